/** Shared by the jobs tests: a small saliency job over MNIST test digits, and the in-process call. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as gw from '../../src'
import type { Attribution } from '../../src'

export const MODEL = resolve(__dirname, '../../notebooks/models/mnist-cnn')

/** A saliency job over the first `limit` test digits, in a fresh temporary folder. */
export function saliencyJob(limit: number, shards: number, batchSize = 64): gw.JobSpec {
  const output = join(mkdtempSync(join(tmpdir(), 'gw-job-')), 'out')
  return {
    version: 1,
    name: `saliency-${limit}`,
    model: MODEL,
    data: { dataset: 'mnist', split: 'test', limit },
    operation: { kind: 'explain', options: { method: 'saliency' } },
    shards,
    batchSize,
    output,
  }
}

/** The same computation in this process: gw.explain on the same digits with the same pass size. */
export async function inProcess(limit: number, batchSize = 64): Promise<Attribution> {
  const model = await gw.load(MODEL)
  const data = await gw.datasets.mnist({ split: 'test', limit })
  try {
    return await gw.explain(model, data.images, { method: 'saliency', batchSize })
  } finally {
    data.images.dispose()
    data.labels.dispose()
    model.dispose()
  }
}

/** Bit-for-bit equality of two float arrays (NaN-safe), with the first differing index when not. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i
  return -1
}
