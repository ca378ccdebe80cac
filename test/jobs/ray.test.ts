// The Ray runner against a real local head node (2 CPUs) started and stopped here: shards submitted
// through the Jobs REST API give the in-process result bit for bit; a worker killed inside its Ray job
// has its shard resubmitted. Skipped, loudly, only when Ray cannot be installed or started.
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../src'
import { firstDifference, inProcess, saliencyJob } from './helpers'
import { ensureRay, startRayHead, stopRayHead } from './services'

const LIMIT = 700
let ray: string | null = null
let address: string | null = null
let unavailable = ''

interface RayJob {
  status: string
  metadata?: Record<string, string>
}

beforeAll(async () => {
  try {
    ray = ensureRay()
    address = await startRayHead(ray)
  } catch (error) {
    unavailable = (error as Error).message
    console.warn(`\n!!!!! RAY TESTS SKIPPED: Ray could not be installed or started: ${unavailable}\n`)
  }
}, 900_000)

afterAll(() => {
  if (ray) stopRayHead(ray)
}, 120_000)

describe('gw.jobs.submit (Ray runner, local head)', () => {
  it('runs the shards as Ray jobs and merges the in-process result bit for bit', async (context) => {
    if (!address) context.skip(`Ray unavailable: ${unavailable}`)
    const expected = await inProcess(LIMIT)
    const handle = await gw.jobs.submit(saliencyJob(LIMIT, 4), { runner: 'ray', address: address!, cpus: 1 })
    const result = (await handle.result()) as gw.Attribution
    expect(handle.status()).toMatchObject({ runner: 'ray', done: 4, failed: 0, failures: [] })
    expect(firstDifference(result.values, expected.values)).toBe(-1)
    expect(result.targets).toEqual(expected.targets)
  }, 300_000)

  it('resubmits the shard whose worker was killed inside its Ray job', async (context) => {
    if (!address) context.skip(`Ray unavailable: ${unavailable}`)
    const expected = await inProcess(LIMIT)
    const job = saliencyJob(LIMIT, 3)
    const handle = await gw.jobs.submit(job, { runner: 'ray', address: address!, cpus: 1, pollSeconds: 0.2 })
    // Find shard 0's worker process (started by Ray's job supervisor) and kill it mid-shard.
    let killed = false
    let settled = false
    void handle.running.settled.then(() => (settled = true))
    while (!killed && !settled) {
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout
      const line = ps.split('\n').find((l) => /cli\.js run job\.json --shard 0$/.test(l.trim()))
      if (line) {
        process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL')
        killed = true
      } else await new Promise((r) => setTimeout(r, 30))
    }
    expect(killed).toBe(true)
    const result = (await handle.result()) as gw.Attribution
    const status = handle.status()
    expect(status.failed).toBe(0)
    expect(status.failures).toEqual([expect.stringMatching(/^shard 0 attempt 1: ray job \S+ FAILED/)])
    expect(handle.shards[0].attempts).toBe(2)
    expect(firstDifference(result.values, expected.values)).toBe(-1)
  }, 300_000)

  it('cancel stops the shards running on Ray (what an interrupt of the cell does)', async (context) => {
    if (!address) context.skip(`Ray unavailable: ${unavailable}`)
    const job = { ...saliencyJob(LIMIT, 6), name: 'cancelled-on-ray' }
    const handle = await gw.jobs.submit(job, { runner: 'ray', address: address!, cpus: 1, pollSeconds: 0.2 })
    while (!handle.shards.some((s) => s.state === 'running')) await new Promise((r) => setTimeout(r, 50))
    await handle.cancel()
    // Every Ray job of this run is stopped within a few seconds (or had already finished); none keeps running.
    const deadline = Date.now() + 30_000
    let states: string[] = []
    do {
      const listed = (await (await fetch(`${address}/api/jobs/`)).json()) as RayJob[]
      states = listed.filter((j) => j.metadata?.glasswing_job === job.name).map((j) => j.status)
      if (states.length > 0 && states.every((s) => s === 'STOPPED' || s === 'SUCCEEDED')) break
      await new Promise((r) => setTimeout(r, 500))
    } while (Date.now() < deadline)
    expect(
      states.every((s) => s === 'STOPPED' || s === 'SUCCEEDED'),
      states.join(', '),
    ).toBe(true)
    expect(states).toContain('STOPPED')
    expect(handle.status().running).toBe(0)
  }, 120_000)
})
