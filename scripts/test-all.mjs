#!/usr/bin/env node
// Runs every test suite of Glasswing in order and ends with one line: `N passed, N failed, N skipped`.
//
//   1. unit          vitest, test/unit, on the native TensorFlow backend
//   2. unit-wasm     the same files with the native binding moved aside: the fallback must carry them
//   3. integration   vitest, every other test/** folder (kernel, notebooks, browser, parity, ...)
//   4. python        pytest, test/**/test_*.py (jupyter_kernel_test, nbclient) against the real kernel
//
// `node scripts/test-all.mjs unit python` runs only the stages named.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const results = join(root, '.cache', 'test-results')
mkdirSync(results, { recursive: true })
const vitest = join(root, 'node_modules', '.bin', 'vitest')
const python = join(root, '.venv', 'bin', 'python')

const stages = {
  unit: () => runVitest('unit', ['test/unit'], {}),
  'unit-wasm': () =>
    withoutNativeBinding(() => runVitest('unit-wasm', ['test/unit'], { GLASSWING_EXPECT_BACKEND: 'wasm' })),
  integration: () =>
    withEngineExitLog('integration', () => runVitest('integration', ['--exclude', 'test/unit/**'], {})),
  python: () => runPytest(),
}

const chosen = process.argv.slice(2)
const totals = { passed: 0, failed: 0, skipped: 0 }
let broken = false
for (const [name, run] of Object.entries(stages)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue
  console.log(`\n=== ${name} ===`)
  const counts = run()
  console.log(`--- ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  if (counts.broken) {
    console.log(`--- ${name}: the runner itself failed (exit ${counts.status}); counted as one failure`)
    broken = true
    counts.failed += 1
  }
  totals.passed += counts.passed
  totals.failed += counts.failed
  totals.skipped += counts.skipped
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed > 0 || broken ? 1 : 0)

function runVitest(name, args, env) {
  const report = join(results, `${name}.json`)
  const hasFiles = args[0] === '--exclude' ? listTests().some((f) => !f.startsWith('test/unit/')) : true
  if (!hasFiles) return { passed: 0, failed: 0, skipped: 0 }
  const status = run(
    vitest,
    ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    env,
  )
  if (!existsSync(report)) return { passed: 0, failed: 0, skipped: 0, broken: true, status }
  const json = JSON.parse(readFileSync(report, 'utf8'))
  const counts = {
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: json.numPendingTests + json.numTodoTests,
  }
  // A file that fails to load has no test results but fails the run.
  if (status !== 0 && counts.failed === 0) return { ...counts, broken: true, status }
  return counts
}

function runPytest() {
  const report = join(results, 'python.xml')
  const status = run(
    python,
    ['-m', 'pytest', 'test', '-q', '-p', 'no:cacheprovider', `--junitxml=${report}`],
    {},
  )
  if (status === 5) return { passed: 0, failed: 0, skipped: 0 } // no Python tests collected
  if (!existsSync(report)) return { passed: 0, failed: 0, skipped: 0, broken: true, status }
  const xml = readFileSync(report, 'utf8')
  const attr = (key) => Number(new RegExp(`<testsuite[^>]* ${key}="(\\d+)"`).exec(xml)?.[1] ?? 0)
  const failed = attr('failures') + attr('errors')
  const skipped = attr('skipped')
  const counts = { passed: attr('tests') - failed - skipped, failed, skipped }
  if (status !== 0 && failed === 0) return { ...counts, broken: true, status }
  return counts
}

// Every Glasswing kernel the stage starts appends a line when its engine stops unasked (the kernel's
// GLASSWING_ENGINE_EXIT_LOG); a test that kills the engine on purpose unsets the variable for its kernels.
// Any line left is an engine restart no test asked for: one failure, with the reasons. (The python stage
// counts them per test itself: test/conftest.py.)
function withEngineExitLog(name, body) {
  const log = join(results, `engine-exits-${name}.jsonl`)
  writeFileSync(log, '')
  process.env.GLASSWING_ENGINE_EXIT_LOG = log
  let counts
  try {
    counts = body()
  } finally {
    delete process.env.GLASSWING_ENGINE_EXIT_LOG
  }
  const exits = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
  console.log(
    `--- ${name}: ${exits.length} engine restart(s) outside the tests that stop the engine on purpose`,
  )
  for (const line of exits) console.log(`    ${line}`)
  return exits.length > 0 ? { ...counts, failed: counts.failed + 1 } : counts
}

function withoutNativeBinding(body) {
  const lib = join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'lib')
  const aside = join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'lib.aside')
  if (!existsSync(lib)) return body()
  renameSync(lib, aside)
  const restore = () => existsSync(aside) && renameSync(aside, lib)
  process.once('SIGINT', () => {
    restore()
    process.exit(130)
  })
  try {
    return body()
  } finally {
    restore()
  }
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return result.status ?? 1
}

function listTests(dir = 'test') {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return listTests(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}
