// Peak memory as the inputs grow: saliency, SmoothGrad (50 samples), GradientSHAP (20 samples) and
// Integrated Gradients (50 steps) on 100, 1,000 and 10,000 MNIST test digits through mnist-cnn, each in
// a fresh process (peak RSS is a process's high-water mark). Memory is flat when the ratio of the
// peak at 10,000 to the peak at 100 stays under 1.5.
//   bash bench/memory/run.sh                 (all; GLASSWING_BENCH_SIZES=100,10000 to choose sizes)
import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { CASES } from './one'

const SIZES = (process.env.GLASSWING_BENCH_SIZES ?? '100,1000,10000').split(',').map(Number)
const METHODS = (process.env.GLASSWING_BENCH_METHODS ?? Object.keys(CASES).join(',')).split(',')

interface Line {
  method: string
  inputs: number
  peakMiB: number
  beforeMiB: number
  seconds: number
  leakedTensors: number
  backend: string
}

function main(): void {
  const rows: (Line & { load: string })[] = []
  for (const method of METHODS) {
    for (const size of SIZES) {
      const output = execFileSync(process.execPath, [join(__dirname, 'one.js'), method, String(size)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const line = JSON.parse(output.trim().split('\n').pop()!) as Line
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')
      rows.push({ ...line, load })
      console.log(JSON.stringify({ ...line, load }))
    }
  }
  console.log('\nmethod                 inputs   peak MiB  (loaded)  seconds  load average (1, 5, 15 min)')
  for (const row of rows)
    console.log(
      `${row.method.padEnd(22)} ${String(row.inputs).padStart(6)} ${String(row.peakMiB).padStart(10)} ${String(
        row.beforeMiB,
      ).padStart(9)} ${String(row.seconds).padStart(8)}  ${row.load}`,
    )
  let flat = true
  for (const method of METHODS) {
    const mine = rows.filter((row) => row.method === method)
    const smallest = mine[0]!
    const largest = mine[mine.length - 1]!
    const ratio = largest.peakMiB / smallest.peakMiB
    flat &&= ratio < 1.5 && mine.every((row) => row.leakedTensors === 0)
    console.log(
      `${method}: peak at ${largest.inputs} / peak at ${smallest.inputs} = ${ratio.toFixed(2)} ${ratio < 1.5 ? '(flat)' : '(NOT flat)'}`,
    )
  }
  process.exitCode = flat ? 0 : 1
}

main()
