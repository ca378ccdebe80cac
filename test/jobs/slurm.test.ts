// The Slurm runner on a single-node cluster (Debian's slurm-wlm and munge) that the test set-up installs
// and starts as root: an sbatch array, one task per shard, gives the in-process result bit for bit; a
// worker killed inside its task is retried there. Skipped, loudly, only where Slurm cannot be set up.
import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../src'
import { firstDifference, inProcess, saliencyJob } from './helpers'
import { ensureSlurm } from './services'

const LIMIT = 700
let unavailable: string | null = null

beforeAll(async () => {
  const slurm = await ensureSlurm()
  if (!slurm.ok) {
    unavailable = slurm.reason
    console.warn(
      `\n!!!!! SLURM TESTS SKIPPED: a single-node Slurm cluster could not be set up: ${unavailable}\n`,
    )
  }
}, 600_000)

describe('gw.jobs.submit (Slurm runner, single-node cluster)', () => {
  it('runs an sbatch array and merges the in-process result bit for bit, retrying a killed worker', async (context) => {
    if (unavailable) context.skip(`Slurm unavailable: ${unavailable}`)
    const expected = await inProcess(LIMIT)
    const job = saliencyJob(LIMIT, 3)
    const handle = await gw.jobs.submit(job, { runner: 'slurm', cpus: 1, pollSeconds: 0.3 })
    // Kill shard 1's first worker inside its array task; the task's loop runs the shard again.
    let killed = false
    let settled = false
    void handle.running.settled.then(() => (settled = true))
    while (!killed && !settled) {
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout
      const line = ps.split('\n').find((l) => l.includes(job.output) && /--shard 1$/.test(l.trim()))
      if (line) {
        process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL')
        killed = true
      } else await new Promise((r) => setTimeout(r, 30))
    }
    expect(killed).toBe(true)
    const result = (await handle.result()) as gw.Attribution
    const status = handle.status()
    expect(status).toMatchObject({ runner: 'slurm', done: 3, failed: 0 })
    expect(status.failures).toEqual([
      expect.stringMatching(/^shard 1 attempt 1: Slurm task \d+_1 attempt 1 failed/),
    ])
    expect(firstDifference(result.values, expected.values)).toBe(-1)
    expect(result.targets).toEqual(expected.targets)
  }, 300_000)
})
