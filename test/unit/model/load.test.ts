import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { load } from '../../../src/model'
import { expectNoLeak, saveToFolder, skipModel, tinyCnn } from './helpers'

describe('gw.load', () => {
  it('loads a Layers model from a folder, names its layers and predicts like tfjs', async () => {
    const original = tinyCnn()
    const folder = await saveToFolder(original)
    writeFileSync(join(folder, 'labels.txt'), 'zero\none\ntwo\n')
    const model = await load(folder)
    expect(model.kind).toBe('layers')
    expect(model.layerNames).toEqual(['conv', 'pool', 'flatten', 'logits'])
    expect(model.inputShape).toEqual([null, 8, 8, 1])
    expect(model.outputShape).toEqual([null, 3])
    expect(model.classNames).toEqual(['zero', 'one', 'two'])
    expect(model.differentiable).toBe(true)
    expect(model.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7)
    await expectNoLeak(() => {
      const ours = tf.tidy(() => model.predict(x).arraySync())
      const theirs = tf.tidy(() => (original.predict(x) as tf.Tensor).arraySync())
      expect(ours).toEqual(theirs)
    })
    const fromJson = await load(`file://${join(folder, 'model.json')}`, { classNames: ['a', 'b', 'c'] })
    expect(fromJson.classNames).toEqual(['a', 'b', 'c'])
    expect(fromJson.fingerprint).toBe(model.fingerprint)
    x.dispose()
    for (const m of [model, fromJson]) m.dispose()
    original.dispose()
  })

  it('reads activations at any layer and splits a model so that tail(head(x)) is the output', async () => {
    const model = await load(tinyCnn())
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 8)
    await expectNoLeak(() =>
      tf.tidy(() => {
        const acts = model.activations(x, ['conv', 'flatten'])
        expect(acts.conv!.shape).toEqual([3, 6, 6, 4])
        expect(acts.flatten!.shape).toEqual([3, 36])
        expect(model.layerShape('pool')).toEqual([null, 3, 3, 4])
        const { head, tail } = model.split('pool')
        const direct = model.predict(x)
        expect(tf.max(tf.abs(tail(head(x)).sub(direct))).arraySync()).toBeLessThan(1e-6)
      }),
    )
    x.dispose()
    model.dispose()
  })

  it('needs the inputs in tail() when a skip connection bypasses the split layer', async () => {
    const model = await load(skipModel())
    expect(model.layerNames).toEqual(['dense_a', 'dense_b', 'sum', 'out'])
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 9)
    await expectNoLeak(() =>
      tf.tidy(() => {
        const { head, tail } = model.split('dense_b')
        expect(() => tail(head(x))).toThrow(/bypasses the layer/)
        expect(tf.max(tf.abs(tail(head(x), x).sub(model.predict(x)))).arraySync()).toBeLessThan(1e-6)
      }),
    )
    x.dispose()
    model.dispose()
  })

  it('names the nearest layers when a layer does not exist', async () => {
    const model = await load(tinyCnn())
    const x = tf.zeros([1, 8, 8, 1])
    const error = (() => {
      try {
        model.activations(x, 'conv2')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(GlasswingError)
    expect((error as Error).message).toMatch(/Did you mean 'conv'/)
    x.dispose()
    model.dispose()
  })

  it('fails clearly on a missing path or a URL', async () => {
    await expect(load('/nonexistent/model')).rejects.toThrow(/neither exists/)
    await expect(load('https://example.com/model.json')).rejects.toThrow(/fetches nothing/)
  })
})
