// The local runner: worker processes on this machine compute a saliency job whose merged result equals
// gw.explain in this process bit for bit; a rerun skips finished parts; a killed worker's shard is retried.
import { unlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import * as gw from '../../src'
import type { LocalRunningJob } from '../../src/jobs/runners/local'
import { MODEL, firstDifference, inProcess, saliencyJob } from './helpers'

const LIMIT = 700 // 11 passes of 64: shards of 2 or 3 passes and a short last pass

describe('gw.jobs.submit (local runner)', () => {
  it('merges parts into the in-process Attribution, bit for bit, and leaves no tensor', async () => {
    const expected = await inProcess(LIMIT)
    const before = tf.memory().numTensors
    const job = saliencyJob(LIMIT, 4)
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2 })
    const result = (await handle.result()) as gw.Attribution
    expect(tf.memory().numTensors).toBe(before)
    expect(result).toBeInstanceOf(gw.Attribution)
    expect(result.shape).toEqual(expected.shape)
    expect(firstDifference(result.values, expected.values)).toBe(-1)
    expect(firstDifference(result.data.inputs, expected.data.inputs)).toBe(-1)
    expect(result.targets).toEqual(expected.targets)
    expect(result.data.exampleOf).toEqual(expected.data.exampleOf)
    expect(result.predictions).toEqual(expected.predictions)
    const status = handle.status()
    expect(status).toMatchObject({ shards: 4, done: 4, failed: 0, examples: LIMIT, examplesDone: LIMIT })
    expect(status.throughput).toBeGreaterThan(0)

    // A second submission finds every part complete and starts no worker.
    const again = await gw.jobs.submit(job.output + '/job.json', { runner: 'local', workers: 2 })
    expect(again.status().skipped).toBe(4)
    const resumed = (await again.result()) as gw.Attribution
    expect(firstDifference(resumed.values, expected.values)).toBe(-1)
    expect(again.shards.every((s) => s.attempts === 0)).toBe(true)

    // With one part's mark removed, only that shard runs again.
    unlinkSync(join(job.output, 'parts', 'part-00002.json'))
    const partial = await gw.jobs.submit(job.output + '/job.json', { runner: 'local', workers: 2 })
    expect(partial.shards.map((s) => s.attempts > 0 || s.state !== 'done')).toEqual([
      false,
      false,
      true,
      false,
    ])
    const repaired = (await partial.result()) as gw.Attribution
    expect(firstDifference(repaired.values, expected.values)).toBe(-1)
  })

  it('retries the shard of a worker killed mid-shard and still gives the complete result', async () => {
    const expected = await inProcess(LIMIT)
    const job = saliencyJob(LIMIT, 5)
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2, retries: 2 })
    const processes = (handle.running as LocalRunningJob).processes
    // Kill the first worker while it loads TensorFlow and the model, before it can write its part.
    const [shard, victim] = [...processes.entries()][0]
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(victim.exitCode).toBeNull()
    victim.kill('SIGKILL')
    const result = (await handle.result()) as gw.Attribution
    const status = handle.status()
    expect(status.failed).toBe(0)
    expect(status.failures).toEqual([
      expect.stringMatching(new RegExp(`^shard ${shard} attempt 1: killed by SIGKILL`)),
    ])
    expect(handle.shards[shard].attempts).toBe(2)
    expect(firstDifference(result.values, expected.values)).toBe(-1)
  })

  it('reports a shard that fails on every attempt, naming its log', async () => {
    const job = saliencyJob(128, 2)
    job.model = join(job.output, 'no-such-model')
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2, retries: 1 })
    await expect(handle.result()).rejects.toThrow(/2 shard\(s\) failed after every retry.*log:/s)
    expect(handle.status().failures).toHaveLength(4)
  })
})

describe('gw.jobs.submit (activations)', () => {
  it('merges activations at a layer equal to the model in this process, bit for bit', async () => {
    const job = { ...saliencyJob(300, 3), operation: { kind: 'activations', layer: 'dense_1' } } as const
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2 })
    const merged = await handle.result()
    expect(merged).toBeInstanceOf(gw.JobArray)
    const model = await gw.load(MODEL)
    const data = await gw.datasets.mnist({ split: 'test', limit: 300 })
    const expected = tf.tidy(() =>
      tf.concat(
        [0, 64, 128, 192, 256].map(
          (first) =>
            model.activations(data.images.slice([first], [Math.min(64, 300 - first)]), 'dense_1').dense_1,
        ),
      ),
    )
    const values = (await expected.data()) as Float32Array
    expect(merged.shape).toEqual(expected.shape)
    expect(firstDifference(merged.values, values)).toBe(-1)
    tf.dispose([expected, data.images, data.labels])
    model.dispose()
  })
})

describe('gw.jobs.submit (a user module as the operation)', () => {
  it('runs the module in every worker and merges with its merge, equal to the same code in process', async () => {
    const module = resolve(__dirname, 'fixtures', 'probabilities.js')
    const job = {
      ...saliencyJob(300, 3),
      operation: { kind: 'module', module, options: { scale: 2 } },
    } as const
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2 })
    const merged = (await handle.result()) as unknown as { scale: number; values: Float32Array; rows: number }
    const model = await gw.load(MODEL)
    const data = await gw.datasets.mnist({ split: 'test', limit: 300 })
    const { run } = await import('./fixtures/probabilities.js')
    const expected = await run(model, data.images, 64, { scale: 2 })
    expect(merged.rows).toBe(300)
    expect(merged.scale).toBe(2)
    expect(firstDifference(merged.values, expected.arrays.outputs.values as Float32Array)).toBe(-1)
    tf.dispose([data.images, data.labels])
    model.dispose()
  })

  it('refuses a module without run and merge, naming the field', async () => {
    const job = {
      ...saliencyJob(128, 1),
      operation: { kind: 'module', module: resolve(__dirname, 'helpers.ts') },
    } as const
    expect(() => gw.jobs.write({ ...job, operation: { kind: 'module', module: 'relative.js' } })).toThrow(
      /job\.operation\.module/,
    )
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 1, retries: 0 })
    await expect(handle.result()).rejects.toThrow(/1 shard\(s\) failed/)
  })
})

describe('gw.jobs.submit (saliency + deletion AUC)', () => {
  it('merges the attribution and its gw.evaluate scores, equal to the two calls in process', async () => {
    const limit = 200
    const evaluateOptions = { metrics: ['deletion'] as const, batchSize: 64 }
    const job = {
      ...saliencyJob(limit, 2),
      operation: { kind: 'evaluate', explain: { method: 'saliency' }, evaluate: evaluateOptions },
    } as const
    const handle = await gw.jobs.submit(job, { runner: 'local', workers: 2 })
    const merged = await handle.result()
    const attribution = await inProcess(limit)
    const model = await gw.load(MODEL)
    const expected = await gw.evaluate(model, attribution, { ...evaluateOptions, metrics: ['deletion'] })
    model.dispose()
    expect(firstDifference(merged.attribution.values, attribution.values)).toBe(-1)
    const auc = merged.evaluation.values('deletion')
    expect(auc).toHaveLength(limit)
    expect(auc).toEqual(expected.values('deletion'))
    expect(merged.evaluation.data.exampleOf).toEqual(expected.data.exampleOf)
  })
})
