import { spawnSync } from 'node:child_process'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { backend, explainBackendError, GlasswingError, ready } from '../../../src'

// scripts/test-all.mjs runs test/unit twice: on the native backend, and once more with the native
// binding moved aside (GLASSWING_EXPECT_BACKEND=wasm) to show that the fallback works.
const expected = process.env.GLASSWING_EXPECT_BACKEND ?? 'tensorflow'

describe('backend selection', () => {
  it(`runs on the ${expected} backend`, async () => {
    const info = await ready()
    expect(info.backend).toBe(expected)
    expect(tf.getBackend()).toBe(expected)
    expect(backend()).toEqual(info)
    expect(info.tfjsVersion).toBe('4.22.0')
    if (expected === 'tensorflow') {
      expect(info.tensorflowVersion).toBe('2.21.0')
      expect(info.fallbackReason).toBeNull()
    } else {
      expect(info.tensorflowVersion).toBeNull()
    }
  })

  it('computes gradients', () => {
    const before = tf.memory().numTensors
    const grad = tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3])
      return tf.grad((v: tf.Tensor) => v.square().sum())(x)
    })
    expect(Array.from(grad.dataSync())).toEqual([2, 4, 6])
    grad.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('explains a kernel the backend lacks, with the fix', () => {
    const raw = new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")
    const explained = explainBackendError(raw, 'gw.explain')
    expect(explained).toBeInstanceOf(GlasswingError)
    expect((explained as Error).message).toMatch(/gw\.explain: expected the 'Conv2DBackpropFilter' kernel/)
    expect((explained as Error).message).toMatch(/native TensorFlow backend.*make setup/)
    const other = new Error('something else')
    expect(explainBackendError(other, 'gw.explain')).toBe(other)
  })

  it('rejects an unknown GLASSWING_BACKEND with the allowed values', () => {
    const out = runNode(`require('./dist').ready().catch(e => { console.log(e.message); process.exit(3) })`, {
      GLASSWING_BACKEND: 'cuda',
    })
    expect(out.status).toBe(3)
    expect(out.stdout).toMatch(/GLASSWING_BACKEND expected 'tensorflow' or 'wasm', got 'cuda'/)
  })

  it('warns once when it falls back, and never when forced', () => {
    const script = `const gw = require('./dist');
      Promise.all([gw.ready(), gw.ready()]).then(() => gw.ready()).then(i => console.log(i.backend))`
    const fallback = runNode(script, {})
    const warnings = fallback.stderr.match(/Falling back to the WebAssembly backend/g) ?? []
    expect(fallback.stdout.trim()).toBe(expected)
    expect(warnings.length).toBe(expected === 'wasm' ? 1 : 0)
    const forced = runNode(script, { GLASSWING_BACKEND: 'wasm' })
    expect(forced.stdout.trim()).toBe('wasm')
    expect(forced.stderr).not.toMatch(/Falling back/)
  })

  it('fails clearly when GLASSWING_DEVICE=gpu finds no CUDA device', () => {
    const out = runNode(`require('./dist').ready().catch(e => { console.log(e.message); process.exit(3) })`, {
      GLASSWING_DEVICE: 'gpu',
    })
    expect(out.status).toBe(3)
    expect(out.stdout).toMatch(/GLASSWING_DEVICE=gpu expected a native TensorFlow binding that loads/)
    expect(out.stdout).toMatch(/NVIDIA GPU/)
  })
})

function runNode(
  script: string,
  env: Record<string, string>,
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, GLASSWING_BACKEND: '', ...env },
    encoding: 'utf8',
  })
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}
