import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  embed,
  embedLayers,
  GlasswingError,
  load,
  MIME_TYPES,
  selection,
  tsne,
  type Embedding,
  type EmbeddingPayload,
} from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display'
import {
  installSessionHooks,
  plainNodeHooks,
  receiveCommMessage,
  receiveCommOpen,
  settleDisplays,
  type DisplayRequest,
} from '../../../src/session'
import { mnistTest } from './mnist'

const { images } = mnistTest(80)
const options = {
  perplexity: 5,
  earlyExaggerationIterations: 20,
  iterations: 20,
  progressEvery: 10,
  quality: false,
}

/** Session hooks of a notebook front end that record what is displayed; `restore` removes them. */
function recordDisplays(): { shown: DisplayRequest[]; restore: () => void } {
  const shown: DisplayRequest[] = []
  const restore = installSessionHooks({
    ...plainNodeHooks(),
    richDisplay: true,
    display: (r) => void shown.push(r),
  })
  return { shown, restore }
}

/** A lasso in a view, as the extension sends it over the `glasswing.v1` comm. */
function lasso(displayId: string, indices: number[]): void {
  const commId = `comm-${Math.random()}`
  receiveCommOpen(commId, 'glasswing.v1', {}, [])
  receiveCommMessage(commId, { type: 'selection', displayId, indices }, [])
}

const payloadOf = (request: DisplayRequest) => request.bundle[MIME_TYPES.embedding] as EmbeddingPayload

describe('the live link of embeddings, by construction', () => {
  it("puts the result's id in every payload of a live run, and gw.selection(result) reads its lasso", async () => {
    const { shown, restore } = recordDisplays()
    let result: Embedding
    try {
      result = await tsne(images, options)
      await settleDisplays()
    } finally {
      restore()
    }
    expect(result.displayId).toMatch(/^glasswing-embedding-[0-9a-f-]{36}$/)
    const frames = shown.slice(0, 4).map((r) => payloadOf(r).displayId)
    expect(frames).toEqual([1, 2, 3, 4].map(() => result.displayId))
    // Frames carry no thumbnails (they would be resent whole with each); the result keeps its own.
    expect(shown.slice(0, 4).map((r) => payloadOf(r).thumbnails)).toEqual([null, null, null, null])
    expect(result.payload().displayId).toBe(result.displayId)
    expect(selection(result)).toEqual([])
    lasso(result.displayId, [3, 1, 4])
    expect(selection(result)).toEqual([3, 1, 4])
    expect(selection()).toEqual([3, 1, 4])
    expect(selection(result.displayId)).toEqual([3, 1, 4])
  })

  it('gives a PCA shown with no live frames an id too, a new one per result', async () => {
    const first = await embed(images, { method: 'pca', quality: false })
    const second = await embed(images, { method: 'pca', quality: false })
    const bundle = first[JUPYTER_DISPLAY]()
    expect((bundle[MIME_TYPES.embedding] as EmbeddingPayload).displayId).toBe(first.displayId)
    expect(second.displayId).not.toBe(first.displayId)
    lasso(second.displayId, [7])
    expect(selection(first)).toEqual([])
    expect(selection(second)).toEqual([7])
  })

  it('refuses what is neither an embedding nor an id', () => {
    expect(() => selection(42 as never)).toThrow(
      /gw\.selection: of expected nothing \(the latest selection\), an embedding, or a view's displayId string, got 42/,
    )
  })
})

describe('live t-SNE in a notebook', () => {
  it('updates one output in place while it optimizes, then closes it', async () => {
    const { shown, restore } = recordDisplays()
    try {
      await tsne(images, options)
      await settleDisplays()
    } finally {
      restore()
    }
    expect(shown.length).toBe(5)
    expect(new Set(shown.map((r) => r.displayId)).size).toBe(1)
    expect(shown.map((r) => r.update)).toEqual([false, true, true, true, true])
    const steps = shown.slice(0, 4).map((r) => (r.bundle[MIME_TYPES.embedding] as EmbeddingPayload).progress)
    expect(steps).toEqual([10, 20, 30, 40].map((step) => ({ step, total: 40 })))
    expect(shown[4]!.bundle['text/plain']).toMatch(/live view ended/)
  })

  it('leaves each layer of gw.embedLayers as its own interactive view, live or not', async () => {
    const model = await load(join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn'))
    const inputs = tf.tensor4d(images.values, [80, 28, 28, 1])
    const { shown, restore } = recordDisplays()
    try {
      for (const method of ['tsne', 'pca'] as const) {
        shown.length = 0
        const comparison = await embedLayers(model, inputs, {
          ...options,
          layers: ['conv2d_1', 'dense_1'],
          method,
          pool: 'average',
        })
        await settleDisplays()
        const ids = [...new Set(shown.map((r) => r.displayId))]
        expect(ids.length).toBe(2)
        const layerIds: string[] = []
        for (const id of ids) {
          const last = shown.filter((r) => r.displayId === id).at(-1)!
          const payload = last.bundle[MIME_TYPES.embedding] as EmbeddingPayload
          expect(payload.method).toBe(method)
          expect(payload.progress ?? null).toBeNull()
          layerIds.push(payload.displayId!)
        }
        // Each layer's view carries its embedding's id; the returned comparison draws no second row.
        expect(layerIds).toEqual([
          comparison.layer('conv2d_1')!.displayId,
          comparison.layer('dense_1')!.displayId,
        ])
        const summary = comparison[JUPYTER_DISPLAY]()
        expect(Object.keys(summary)).toEqual(['text/plain'])
        const lines = String(summary['text/plain']).split('\n')
        expect(lines[0]).toBe(`${method === 'pca' ? 'PCA' : 't-SNE'} of 80 points:`)
        expect(lines.slice(1, 3)).toEqual([
          '  conv2d_1  (quality not measured)',
          '  dense_1   (quality not measured)',
        ])
        // (no labels here, so no accuracy line)
        expect(lines[3]).toBe(
          "Each layer's interactive view is above; comparison.layer('dense_1') gives its embedding back.",
        )
        // Lines short enough for a notebook (JupyterLab breaks longer output lines anywhere).
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(100)
      }
    } finally {
      restore()
      inputs.dispose()
      model.dispose()
    }
  })

  it('draws the static row of layers where no live view was shown', async () => {
    const model = await load(join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn'))
    const inputs = tf.tensor4d(images.values, [80, 28, 28, 1])
    try {
      const comparison = await embedLayers(model, inputs, {
        ...options,
        layers: ['conv2d_1', 'dense_1'],
        method: 'pca',
        pool: 'average',
        live: false,
        quality: true,
      })
      expect(typeof comparison[JUPYTER_DISPLAY]()['image/png']).toBe('string')
      expect(comparison.summary().split('\n').slice(0, 3)).toEqual([
        'PCA of 80 points; trustworthiness and kNN preservation at k = 10:',
        expect.stringMatching(/^ {2}conv2d_1 {2}0\.\d{4} {2}0\.\d{4}$/),
        expect.stringMatching(/^ {2}dense_1 {3}0\.\d{4} {2}0\.\d{4}$/),
      ])
    } finally {
      inputs.dispose()
      model.dispose()
    }
  })

  it('stops at its first check when the user has interrupted', async () => {
    const controller = new AbortController()
    controller.abort()
    const restore = installSessionHooks({ ...plainNodeHooks(), interruptSignal: controller.signal })
    try {
      const error = await tsne(images, options).catch((e) => e)
      expect(error).toBeInstanceOf(GlasswingError)
      expect(error.message).toMatch(
        /^gw\.embed: expected to run to the end, got an interrupt.*: the cell was interrupted/,
      )
    } finally {
      restore()
    }
  })
})
