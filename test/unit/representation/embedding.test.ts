import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  decodePng,
  embed,
  embedLayers,
  Embedding,
  JUPYTER_DISPLAY,
  load,
  MIME_TYPES,
  validatePayload,
  type EmbeddingPayload,
  type GlasswingModel,
} from '../../../src'
import { decodeArray } from '../../../src/display/codec'
import { mnistTest } from './mnist'

const MODEL = join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn')

describe('Embedding results', () => {
  it('display as the embedding view, Plotly, PNG and text, and export as arrays and CSV', async () => {
    const { images, labels } = mnistTest(120)
    const predictions = labels.map((l, i) => (i % 10 === 0 ? (l + 1) % 10 : l))
    const result = await embed(images, { method: 'pca', labels, predictions })
    expect(result).toBeInstanceOf(Embedding)
    const bundle = result[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.embedding] as EmbeddingPayload
    expect(validatePayload('embedding', payload)).toMatchObject({ ok: true })
    expect(payload.method).toBe('pca')
    expect(payload.explainedVariance!.length).toBe(2)
    expect(payload.columns.map((c) => c.name)).toEqual(['label', 'prediction', 'correct'])
    expect(Array.from(decodeArray(payload.columns[2]!.values)).filter((v) => v === 0).length).toBe(12)
    expect(Array.from(decodeArray(payload.coordinates))).toEqual(Array.from(result.coordinates))
    expect(payload.quality!.trustworthiness).toBeGreaterThan(0.5)
    const plotly = bundle['application/vnd.plotly.v1+json'] as { data: { name: string; x: number[] }[] }
    expect(plotly.data.map((t) => t.name).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(plotly.data.reduce((s, t) => s + t.x.length, 0)).toBe(120)
    const png = decodePng(bundle['image/png'] as string)
    expect(png.height).toBe(498) // 480 of plot, 18 of title
    // Coloured pixels: the points are drawn in the palette, not all white.
    expect(png.rgba.some((v, i) => i % 4 !== 3 && v < 200)).toBe(true)
    expect(bundle['text/plain']).toMatch(
      /^Embedding \(PCA, 120 points, 2-D\); trustworthiness@10 0\.\d{4}.*accuracy 90\.0%/,
    )
    expect(result.toArray()[3]).toEqual([result.coordinates[6], result.coordinates[7]])
    const csv = result.toCSV().trim().split('\n')
    expect(csv[0]).toBe('index,x,y,label,prediction,correct')
    expect(csv.length).toBe(121)
    expect(csv[10]).toMatch(/^9,[-\d.e]+,[-\d.e]+,\d,\d,true$/)
  })

  it("embeds a model's layer over a data set in batches, with predictions and thumbnails", async () => {
    const model = (await load(MODEL)) as GlasswingModel
    const { images, labels } = mnistTest(300)
    const inputs = tf.tensor4d(images.values, [300, 28, 28, 1])
    const before = tf.memory().numTensors
    const result = await embed(model, inputs, { layer: 'dense_1', method: 'pca', labels, batchSize: 64 })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.details.layer).toBe('dense_1')
    const correct = result.correct!.filter(Boolean).length / 300
    expect(correct).toBeGreaterThan(0.9)
    // Every digit gets a thumbnail: 300 of them fit in the default 1 MiB.
    expect(result.details.thumbnails!.count).toBe(300)
    expect(result.details.provenance.modelFingerprint).toBe(model.fingerprint)
    const payload = result.payload()
    expect(payload.thumbnails!.images.shape).toEqual([300, 28, 28, 1])
    expect(validatePayload('embedding', payload)).toMatchObject({ ok: true })

    const layers = await embedLayers(model, inputs, {
      layers: ['conv2d_1', 'dense_1'],
      method: 'pca',
      pool: 'average',
      labels,
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(layers.embeddings.map((e) => e.details.layer)).toEqual(['conv2d_1', 'dense_1'])
    // Classes separate better with depth.
    const [early, late] = layers.embeddings.map((e) => e.quality!.knnPreservation)
    expect(late).toBeGreaterThan(early! - 0.5)
    expect(layers[JUPYTER_DISPLAY]()['text/plain']).toMatch(/layer 'conv2d_1'[\s\S]*layer 'dense_1'/)

    await expect(embed(model, inputs, { layer: 'dense_9', method: 'pca' })).rejects.toThrow(/dense_1/)
    inputs.dispose()
    model.dispose()
  })

  it('refuses a layer with millions of features and suggests pooling', async () => {
    const wide = {
      layerNames: ['huge'],
      layerShape: () => [null, 512, 512, 16],
      run: () => {
        throw new Error('must not run')
      },
      fingerprint: 'x',
      classNames: null,
    } as unknown as GlasswingModel
    const inputs = tf.zeros([10, 4])
    await expect(embed(wide, inputs, { layer: 'huge' })).rejects.toThrow(
      /'huge' with 4,194,304 features x 10 inputs.*pool: 'average'/,
    )
    inputs.dispose()
  })
})
