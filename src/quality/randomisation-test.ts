/**
 * `gw.randomisationTest`: the model parameter randomisation test (Adebayo et al. 2018) on an
 * attribution, with its cascade strip (the explanations as layers are randomised) as a PNG.
 */
import * as tf from '@tensorflow/tfjs'
import { Attribution } from '../attribution/attribution'
import { GlasswingError, describeValue } from '../errors'
import { load } from '../model'
import type { GlasswingModel } from '../model/types'
import { JUPYTER_DISPLAY, escapeHtml, type MimeBundle } from '../display/bundle'
import { encodePng } from '../display/png'
import { makeProvenance } from '../display/provenance'
import type { Provenance } from '../display/schema'
import { reexplain } from './evaluate'
import { parameterRandomisation, type RandomisationOrder } from './randomisation'
import { finiteMean } from './result'
import { hogSimilarity, spearman } from './similarity'
import { meanSsim } from './evaluate'

export interface RandomisationOptions {
  /** 'cascading' (default, top layer first), 'independent' or 'bottom-up'. */
  order?: RandomisationOrder
  /** 'spearman' (default), 'ssim' or 'hog'. */
  similarity?: 'spearman' | 'ssim' | 'hog'
  /** Compare |a| normalised by its largest value (Quantus's MPRT default, true), or the signed values. */
  absolute?: boolean
  /** Seed of the re-initialisation (default 42, Quantus's). */
  seed?: number
}

const WHERE = 'gw.randomisationTest'

/**
 * Re-initialises the model's layers in turn (weights restored afterwards) and explains again.
 *
 * @example
 * const a = await gw.explain(model, images.slice(0, 4), { method: 'gradient-x-input' })
 * const test = await gw.randomisationTest(model, a, { order: 'cascading', similarity: 'spearman' })
 * test.similarity   // per stage, mean over examples: near 1 = explanation ignores the weights
 */
export async function randomisationTest(
  model: GlasswingModel | tf.LayersModel,
  attribution: Attribution,
  options: RandomisationOptions = {},
): Promise<RandomisationTest> {
  if (typeof options !== 'object' || options === null)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options',
      expected: 'an object',
      received: describeValue(options),
    })
  const order = options.order ?? 'cascading'
  if (!['cascading', 'independent', 'bottom-up'].includes(order))
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.order',
      expected: "'cascading', 'independent' or 'bottom-up'",
      received: describeValue(order),
    })
  const similarityName = options.similarity ?? 'spearman'
  if (!['spearman', 'ssim', 'hog'].includes(similarityName))
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.similarity',
      expected: "'spearman', 'ssim' or 'hog'",
      received: describeValue(similarityName),
    })
  if (!(attribution instanceof Attribution))
    throw new GlasswingError({
      where: WHERE,
      argument: 'attribution',
      expected: 'a result of gw.explain',
      received: describeValue(attribution),
    })
  const wrapped: GlasswingModel =
    'getLayer' in (model as object)
      ? await load(model as tf.LayersModel, { warmup: false })
      : (model as GlasswingModel)
  const d = attribution.data
  const shape = d.inputShape.slice(1)
  const features = shape.reduce((a, b) => a * b, 1)
  if (d.layer !== null || d.values.length !== d.shape[0]! * features || d.targets.some((t) => t === null))
    throw new GlasswingError({
      where: WHERE,
      argument: 'attribution',
      expected: 'an input-space attribution of class targets',
      received: `'${d.method}' of shape [${d.shape.join(', ')}]`,
    })
  const rows = d.shape[0]!
  const inputs = Array.from({ length: rows }, (_, r) =>
    d.inputs.slice(d.exampleOf[r]! * features, (d.exampleOf[r]! + 1) * features),
  )
  const targets = d.targets as number[]
  const original = Array.from({ length: rows }, (_, r) => d.values.slice(r * features, (r + 1) * features))
  const absolute = options.absolute ?? true
  const prep = (a: Float32Array): Float32Array => {
    const max = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    return absolute ? a.map((v) => Math.abs(max > 0 ? v / max : v)) : a
  }
  const [h, w] = shape.length >= 2 ? [shape[0]!, shape[1]!] : [1, features]
  const channels = shape.length === 3 ? shape[2]! : 1
  const similarity = (a: Float32Array, b: Float32Array): number => {
    const pa = prep(a)
    const pb = prep(b)
    if (similarityName === 'spearman') return spearman(pa, pb)
    if (similarityName === 'ssim') return meanSsim(pa, pb, h, w, channels)
    return hogSimilarity(channelSum(pa, channels), channelSum(pb, channels), h, w)
  }
  const seed = options.seed ?? 42
  const stages = await parameterRandomisation(
    wrapped,
    () => reexplain(wrapped, attribution, inputs, targets),
    original,
    similarity,
    {
      order,
      seed,
      where: WHERE,
    },
  )
  const provenance = makeProvenance({
    method: 'randomisation-test',
    parameters: {
      attributionMethod: d.method,
      order,
      similarity: similarityName,
      absolute,
      reinitialisation: "each layer's own initializers, seeded",
    },
    seed,
    model: null,
  })
  provenance.modelFingerprint = wrapped.fingerprint
  return new RandomisationTest({
    method: d.method,
    order,
    similarityName,
    layers: stages.map((s) => s.layer),
    perExample: stages.map((s) => s.similarity),
    original,
    explanations: stages.map((s) => s.explanations),
    shape: [h, w, channels],
    provenance,
  })
}

function channelSum(a: Float32Array, channels: number): Float32Array {
  if (channels === 1) return a
  const out = new Float32Array(a.length / channels)
  for (let i = 0; i < a.length; i++) out[Math.floor(i / channels)]! += a[i]!
  return out
}

export interface RandomisationData {
  method: string
  order: RandomisationOrder
  similarityName: string
  /** The layer randomised at each stage. */
  layers: string[]
  /** Stages x rows similarity to the original explanation. */
  perExample: number[][]
  original: Float32Array[]
  /** Stages x rows explanations. */
  explanations: Float32Array[][]
  shape: [number, number, number]
  provenance: Provenance
}

/** The test's result: similarity per stage and example, and the cascade strip. */
export class RandomisationTest {
  constructor(readonly data: RandomisationData) {}
  get layers(): string[] {
    return this.data.layers
  }
  /** Mean similarity per stage. */
  get similarity(): number[] {
    return this.data.perExample.map(finiteMean)
  }
  get provenance(): Provenance {
    return this.data.provenance
  }
  /** Stages x examples similarities. */
  toArray(): number[][] {
    return this.data.perExample.map((row) => [...row])
  }
  toCSV(): string {
    const n = this.data.original.length
    const header = ['stage', 'layer', ...Array.from({ length: n }, (_, i) => `row ${i}`)].join(',')
    return (
      [header, ...this.data.perExample.map((row, s) => [s + 1, this.data.layers[s], ...row].join(','))].join(
        '\n',
      ) + '\n'
    )
  }
  toString(): string {
    return [
      `Randomisation test (${this.data.order}) of ${this.data.method}: ${this.data.similarityName} similarity to the original explanation`,
      ...this.data.layers.map(
        (layer, s) => `  ${String(s + 1).padStart(2)}. ${layer.padEnd(24)} ${this.similarity[s]!.toFixed(4)}`,
      ),
    ].join('\n')
  }
  /** The cascade strip: rows = examples (up to 4), columns = original then each stage; |a| scaled per map. */
  png(cell = 3): string {
    const [h, w, c] = this.data.shape
    const rows = Math.min(4, this.data.original.length)
    const columns = this.data.layers.length + 1
    const gap = 2
    const width = columns * (w * cell + gap)
    const height = rows * (h * cell + gap)
    const rgba = new Uint8Array(width * height * 4).fill(255)
    for (let r = 0; r < rows; r++) {
      for (let col = 0; col < columns; col++) {
        const map = col === 0 ? this.data.original[r]! : this.data.explanations[col - 1]![r]!
        const mags = new Float32Array(h * w)
        for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) mags[i]! += Math.abs(map[i * c + k]!)
        const max = mags.reduce((m, v) => Math.max(m, v), 0) || 1
        for (let y = 0; y < h * cell; y++) {
          for (let x = 0; x < w * cell; x++) {
            const v = mags[Math.floor(y / cell) * w + Math.floor(x / cell)]! / max
            const px = ((r * (h * cell + gap) + y) * width + col * (w * cell + gap) + x) * 4
            rgba[px] = 255
            rgba[px + 1] = Math.round(255 * (1 - v))
            rgba[px + 2] = Math.round(255 * (1 - v))
            rgba[px + 3] = 255
          }
        }
      }
    }
    return encodePng(rgba, width, height)
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    const png = this.png()
    const header = `<tr><th></th><th>original</th>${this.data.layers.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr>`
    const sim = `<tr><th>${escapeHtml(this.data.similarityName)}</th><td>1</td>${this.similarity.map((v) => `<td>${v.toFixed(3)}</td>`).join('')}</tr>`
    return {
      'text/plain': this.toString(),
      'image/png': png,
      'text/html': `<div class="gw-randomisation"><p>${escapeHtml(this.toString().split('\n')[0]!)}</p><img src="data:image/png;base64,${png}"/><table>${header}${sim}</table></div>`,
    }
  }
}
