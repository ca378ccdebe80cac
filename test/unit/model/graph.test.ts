import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { explain } from '../../../src/attribution'
import { load } from '../../../src/model'
import { expectNoLeak } from './helpers'

/** A hand-written converted graph: relu(x W) with W 3x2; x = [1, 1, 1] gives [0, 0.5], saved as model.json + weights.bin. */
function writeGraphModel(): { folder: string; weights: number[] } {
  const folder = mkdtempSync(join(tmpdir(), 'gw-graph-'))
  const float = { type: 'DT_FLOAT' }
  const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) })
  const json = {
    format: 'graph-model',
    generatedBy: 'hand',
    convertedBy: 'glasswing test',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims(-1, 3) } } },
        {
          name: 'w',
          op: 'Const',
          attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 2) } } },
        },
        {
          name: 'dense/MatMul',
          op: 'MatMul',
          input: ['x', 'w'],
          attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } },
        },
        { name: 'dense/Relu', op: 'Relu', input: ['dense/MatMul'], attr: { T: float } },
        { name: 'Identity', op: 'Identity', input: ['dense/Relu'], attr: { T: float } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }] }],
  }
  const weights = [1, -1, 2, 0.5, -3, 1]
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json))
  writeFileSync(join(folder, 'weights.bin'), Buffer.from(new Float32Array(weights).buffer))
  return { folder, weights }
}

describe('graph models', () => {
  it('load from a folder, expose op nodes as layers, and take gradients', async () => {
    const { folder, weights } = writeGraphModel()
    const model = await load(folder, { classNames: ['a', 'b'] })
    expect(model.kind).toBe('graph')
    expect(model.layerNames).toEqual(['dense/MatMul', 'dense/Relu'])
    expect(model.inputShape).toEqual([null, 3])
    const x = tf.tensor2d([[1, 1, 1]])
    await expectNoLeak(() =>
      tf.tidy(() => {
        expect(Array.from(model.predict(x).dataSync())).toEqual([0, 0.5])
        expect(Array.from(model.activations(x, 'dense/MatMul')['dense/MatMul']!.dataSync())).toEqual([0, 0.5])
        const { head, tail } = model.split('dense/MatMul')
        expect(Array.from(tail(head(x)).dataSync())).toEqual([0, 0.5])
      }),
    )
    const saliency = await expectNoLeak(() =>
      explain(model, x, { method: 'saliency', absolute: false, target: 'b' }),
    )
    expect(Array.from(saliency.values)).toEqual([weights[1], weights[3], weights[5]])
    await expect(explain(model, x, { method: 'guided-backprop' })).rejects.toThrow(/Layers model/)
    x.dispose()
    model.dispose()
  })
})
