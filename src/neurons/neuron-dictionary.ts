/** The result of `gw.neurons`: per-unit records, shown as the dictionary view with PNG and text fallbacks. */
import type * as tf from '@tensorflow/tfjs'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import { MIME_TYPES } from '../display/schema'
import type { GlasswingModel } from '../model'
import type { Ablation, AblationEffect } from './ablation'
import type { UnitLabel } from './dissection/dissect'
import { dictionaryPayload } from './payload'
import type { ImageData } from './render'
import { dictionaryPng } from './dictionary-png'
import type { ActivationStatistics, TopExample } from './top-examples'
import type { TuningCurve } from './tuning'

/** The steps of a dictionary, in the order they run. */
export type StageName = 'visualization' | 'examples' | 'tuning' | 'dissection' | 'ablation'

/** Everything the dictionary knows about one unit. */
export interface NeuronEntry {
  unit: number
  /**
   * Its feature visualization, values in [0, 1]; null when switched off, or when no image was found that
   * makes the unit fire (a flat or misleading picture; `note` says so).
   */
  visualization: ImageData | null
  /** The unit's value (what the optimization maximized) on its visualization; null when switched off. */
  visualizationValue: number | null
  /** What the card must say in words: a unit that never fires on the data, no image that excites it. */
  note: string | null
  /** Its top examples (indices into `data`), strongest first, with activation maps. */
  examples: TopExample[]
  statistics: ActivationStatistics
  /** One curve per sweep; null when switched off. */
  tuning: TuningCurve[] | null
  /** The dissection label; null when switched off. */
  label: UnitLabel | null
  /** The best concepts with their IoU, best first. */
  concepts: { concept: string; iou: number }[]
  ablation: AblationEffect | null
}

/** What a dictionary is made from (see `dictionary.ts`). */
export interface NeuronDictionaryParts {
  model: GlasswingModel
  layer: string
  entries: NeuronEntry[]
  /** The data the examples index into (not owned: the caller keeps it alive while displaying). */
  images: tf.Tensor4D
  labels: number[] | null
  classNames: readonly string[] | null
  baselineAccuracy: Ablation['baselineAccuracy']
  ablationExamples: number
  visualizationHistory: readonly number[]
  /** Seconds per step. */
  timings: Partial<Record<StageName, number>>
  parameters: Record<string, unknown>
  seed: number
}

/**
 * A neuron dictionary. `entries` holds plain data per unit; the cell displays it as the dictionary view.
 *
 * @example
 * const dictionary = await gw.neurons(model, { layer: 'conv2d_1', data: images })
 * dictionary.unit(3).label   // { unit: 3, concept: 'stripes 45°', category: 'texture', iou: 0.21 }
 */
export class NeuronDictionary {
  readonly layer: string
  readonly entries: readonly NeuronEntry[]
  readonly baselineAccuracy: number | null
  readonly timings: Readonly<Partial<Record<StageName, number>>>
  /** The example images of every entry, read once when the dictionary is made: [index] -> pixels. */
  private readonly exampleImages: ReadonlyMap<number, ImageData>

  constructor(readonly parts: NeuronDictionaryParts) {
    this.layer = parts.layer
    this.entries = parts.entries
    this.baselineAccuracy = parts.baselineAccuracy
    this.timings = parts.timings
    this.exampleImages = readExamples(parts.images, parts.entries)
  }

  /** The entry of unit `index` of the layer. */
  unit(index: number): NeuronEntry {
    const entry = this.entries.find((e) => e.unit === index)
    if (!entry) {
      throw new RangeError(
        `NeuronDictionary.unit: unit ${index} is not in this dictionary (it holds ${this.entries.map((e) => e.unit).join(', ')})`,
      )
    }
    return entry
  }

  /** A described example image (pixels in [0, 1]). */
  exampleImage(index: number): ImageData | undefined {
    return this.exampleImages.get(index)
  }

  /** The text summary shown where rich views are not available. */
  toString(): string {
    const head =
      `Neuron dictionary of '${this.layer}': ${this.entries.length} units` +
      (this.baselineAccuracy === null
        ? ''
        : `, baseline accuracy ${(100 * this.baselineAccuracy).toFixed(2)} %`)
    const rows = this.entries.map((e) => {
      const orientation = e.tuning?.find((c) => c.sweep === 'orientation')
      const parts = [
        `unit ${String(e.unit).padStart(3)}`,
        e.label ? `${e.label.concept} (IoU ${e.label.iou.toFixed(2)})` : 'no label',
        orientation
          ? `orientation ${orientation.preferred.toFixed(1)}° (selectivity ${orientation.selectivity.toFixed(2)})`
          : '',
        `max ${e.statistics.max.toFixed(2)}, active ${(100 * e.statistics.activeFraction).toFixed(0)} %`,
        e.ablation?.accuracyDrop != null ? `ablation -${(100 * e.ablation.accuracyDrop).toFixed(2)} pts` : '',
        e.examples.length > 0 && this.parts.labels
          ? `top: ${e.examples
              .slice(0, 5)
              .map((x) => this.className(this.parts.labels![x.index]!))
              .join(' ')}`
          : '',
        e.note ?? '',
      ]
      return parts.filter(Boolean).join(' | ')
    })
    return [head, ...rows].join('\n')
  }

  /** The name of a class index. */
  className(index: number): string {
    return this.parts.classNames?.[index] ?? String(index)
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      [MIME_TYPES.neurons]: dictionaryPayload(this),
      'image/png': dictionaryPng(this),
      'text/plain': this.toString(),
    }
  }
}

function readExamples(images: tf.Tensor4D, entries: readonly NeuronEntry[]): Map<number, ImageData> {
  const [, height, width, channels] = images.shape
  const indices = [...new Set(entries.flatMap((e) => e.examples.map((x) => x.index)))]
  const out = new Map<number, ImageData>()
  if (indices.length === 0) return out
  for (const index of indices) {
    const slice = images.slice([index], [1])
    out.set(index, { data: slice.dataSync() as Float32Array, batch: 1, height, width, channels })
    slice.dispose()
  }
  return out
}
