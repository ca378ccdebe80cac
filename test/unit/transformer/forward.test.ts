import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { load } from '../../../src/model'
import { hookNames, runWithCache, transformer } from '../../../src/transformer'
import { saveToFolder } from '../model/helpers'
import { fixtureModel, forwardCases, maxDifference } from './helpers'

describe('the hooked transformer', () => {
  const cases = forwardCases()

  it.each(cases.map((c, i) => [i, c] as const))(
    'case %i: output and hooks match the numpy forward pass to 1e-5',
    (_, c) => {
      const model = fixtureModel(c)
      const before = tf.memory().numTensors
      const names = Object.keys(c.cache)
      const { output, cache } = runWithCache(model, c.tokens, names)
      expect(maxDifference(output.arraySync(), c.output)).toBeLessThan(1e-5)
      for (const name of names)
        expect(maxDifference(cache[name]!.arraySync(), c.cache[name]), name).toBeLessThan(1e-5)
      tf.dispose([output, ...Object.values(cache)])
      expect(tf.memory().numTensors).toBe(before)
      model.dispose()
    },
  )

  it('exposes every TransformerLens hook name as a layer, and saves and loads as a model folder', async () => {
    const c = cases[0]!
    const model = fixtureModel(c)
    expect([...transformer.hooks(model)].sort()).toEqual(hookNames(c.config).sort())
    expect(model.layerNames).toContain('blocks.1.attn.hook_pattern')
    expect(model.layerNames).toContain('blocks.0.mlp.hook_post')
    const loaded = await load(await saveToFolder(model.tfModel))
    const x = tf.tensor2d(c.tokens)
    expect(maxDifference(loaded.predict(x).arraySync(), c.output)).toBeLessThan(1e-5)
    // The existing activation machinery reaches the hooks by name.
    const acts = loaded.activations(x, ['blocks.0.attn.hook_q', 'hook_embed'])
    expect(acts['blocks.0.attn.hook_q']!.shape).toEqual([3, 7, 2, 8])
    tf.dispose([x, ...Object.values(acts)])
    loaded.dispose()
    model.dispose()
  })

  it('refuses a sequence longer than the context and an unknown hook name, clearly', () => {
    const c = cases[0]!
    const model = fixtureModel(c)
    const before = tf.memory().numTensors
    const long = [Array.from({ length: 9 }, () => 1)]
    expect(() => runWithCache(model, long, [])).toThrow(GlasswingError)
    expect(() => runWithCache(model, long, [])).toThrow(/at most 8 tokens.*got 9 tokens/)
    const ones = tf.ones([1, 9])
    expect(() => tf.tidy(() => model.predict(ones))).toThrow(/at most 8 tokens/)
    ones.dispose()
    expect(() => runWithCache(model, c.tokens, ['blocks.0.attn.hook_patern'])).toThrow(
      /hook name.*'blocks.0.attn.hook_pattern'/,
    )
    expect(() => runWithCache(model, c.tokens, ['blocks.7.hook_resid_post'])).toThrow(GlasswingError)
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })
})
