/**
 * Tuning curves: a unit's response to swept synthetic stimuli, with a selectivity index per sweep.
 *
 * A unit's response is its activation at the centre of the layer's map (a dense layer's unit as is), as
 * a recording electrode would see one neuron. Gratings vary orientation, spatial frequency and phase
 * together; each curve is read at the unit's best other parameters (orientation at the best frequency,
 * maximized over phase, and so on).
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../model'
import { modelImageShape } from './model-shape'
import { circularSelectivity, preferredValue, rangeSelectivity } from './selectivity'
import { renderBlobs } from './stimuli/blob'
import { renderGratings, type Grating } from './stimuli/gratings'
import { renderHues } from './stimuli/hue'
import type { StimulusShape } from './stimuli/types'

/** The sweeps a tuning curve can be taken over. */
export type SweepName = 'orientation' | 'frequency' | 'phase' | 'hue' | 'position'

/** One unit's curve over one sweep. */
export interface TuningCurve {
  sweep: SweepName
  unit: string
  values: number[]
  responses: number[]
  /**
   * The response to the sweep's blank (a grey field for gratings and hues, the dark background for
   * blobs); selectivity is computed on the evoked responses, `responses - baseline`, rectified.
   */
  baseline: number
  /** The value with the highest response. */
  preferred: number
  /** See `selectivity.ts`: 1 - circular variance for circular sweeps, (max-min)/(max+min) otherwise. */
  selectivity: number
  selectivityIndex: '1 - circular variance' | '(max - min) / (max + min)'
}

/** Options of {@link tuningCurves}. */
export interface TuningOptions {
  /** Orientations sampled over 180 degrees. Default 24 (7.5 degrees apart). */
  orientations?: number
  /** Spatial frequencies in cycles per image. Default 7 values from 1 to width/3, geometric. */
  frequencies?: readonly number[]
  /** Phases sampled over 360 degrees. Default 8. */
  phases?: number
  /** Hues sampled over 360 degrees (RGB models). Default 24. */
  hues?: number
  /** Blob positions per side of the grid. Default 7. */
  positions?: number
  /** The range the model expects its pixels in. Default [0, 1]. */
  inputRange?: readonly [number, number]
  /** Images per forward pass. Default 256. */
  batchSize?: number
}

/**
 * The tuning curves of every unit of a layer: `curves[unit]` lists one curve per sweep (hue only for
 * RGB models).
 *
 * @example
 * const curves = gw.tuningCurves(model, 'conv2d_1')
 * curves[3].find((c) => c.sweep === 'orientation')   // { preferred: 45, selectivity: 0.62, ... }
 */
export function tuningCurves(
  model: GlasswingModel,
  layer: string,
  options: TuningOptions = {},
): TuningCurve[][] {
  const shape = modelImageShape(model, 'gw.tuningCurves')
  const orientations = range(options.orientations ?? 24, 180)
  const frequencies = options.frequencies ?? geometric(1, Math.max(2, shape.width / 3), 7)
  const phases = range(options.phases ?? 8, 360)
  const run = (images: Float32Array) => responsesAtCentre(model, layer, shape, images, options)

  const gratings: Grating[] = []
  for (const orientation of orientations)
    for (const frequency of frequencies)
      for (const phase of phases) gratings.push({ orientation, frequency, phase })
  const gratingResponses = run(renderGratings(gratings, shape))
  const units = gratingResponses[0]!.length
  const at = (o: number, f: number, p: number) =>
    gratingResponses[(o * frequencies.length + f) * phases.length + p]!

  const grid = Math.max(2, options.positions ?? 7)
  const positions: [number, number][] = []
  for (let i = 0; i < grid; i++)
    for (let j = 0; j < grid; j++)
      positions.push([((i + 0.5) * shape.height) / grid, ((j + 0.5) * shape.width) / grid])
  const blobResponses = run(renderBlobs(positions, shape, Math.max(1, shape.width / 14)))
  const hues = shape.channels === 3 ? range(options.hues ?? 24, 360) : []
  const hueResponses = hues.length > 0 ? run(renderHues(hues, shape)) : []
  // Blanks: a grey field (the gratings' and hues' mean luminance) and the blobs' dark background.
  const grey = renderGratings([{ orientation: 0, frequency: 1, phase: 0, contrast: 0 }], shape)
  const [greyResponse, darkResponse] = run(Float32Array.from([...grey, ...new Float32Array(grey.length)]))

  return Array.from({ length: units }, (_, u) => {
    // The best grating for this unit, then each parameter swept through it.
    let best = [0, 0, 0]
    let bestValue = -Infinity
    orientations.forEach((_, o) =>
      frequencies.forEach((_, f) =>
        phases.forEach((_, p) => {
          if (at(o, f, p)[u]! > bestValue) [bestValue, best] = [at(o, f, p)[u]!, [o, f, p]]
        }),
      ),
    )
    const [bo, bf] = best as [number, number, number]
    const maxOverPhase = (o: number, f: number) => Math.max(...phases.map((_, p) => at(o, f, p)[u]!))
    const name = `${layer}:${u}`
    const blank = greyResponse![u]!
    const curves = [
      curve(
        'orientation',
        name,
        orientations,
        orientations.map((_, o) => maxOverPhase(o, bf)),
        blank,
        180,
      ),
      curve(
        'frequency',
        name,
        [...frequencies],
        frequencies.map((_, f) => maxOverPhase(bo, f)),
        blank,
        null,
      ),
      curve(
        'phase',
        name,
        phases,
        phases.map((_, p) => at(bo, bf, p)[u]!),
        blank,
        360,
      ),
      curve(
        'position',
        name,
        positions.map((_, i) => i),
        blobResponses.map((r) => r[u]!),
        darkResponse![u]!,
        null,
      ),
    ]
    if (hues.length > 0) {
      curves.push(
        curve(
          'hue',
          name,
          hues,
          hueResponses.map((r) => r[u]!),
          blank,
          360,
        ),
      )
    }
    return curves
  })
}

function curve(
  sweep: SweepName,
  unit: string,
  values: number[],
  responses: number[],
  baseline: number,
  period: number | null,
): TuningCurve {
  const evoked = responses.map((r) => r - baseline)
  return {
    sweep,
    unit,
    values,
    responses,
    baseline,
    preferred: preferredValue(values, responses),
    selectivity: period === null ? rangeSelectivity(evoked) : circularSelectivity(values, evoked, period),
    selectivityIndex: period === null ? '(max - min) / (max + min)' : '1 - circular variance',
  }
}

/** Responses [image][unit] at the layer's centre position. */
function responsesAtCentre(
  model: GlasswingModel,
  layer: string,
  shape: StimulusShape,
  images: Float32Array,
  options: TuningOptions,
): Float32Array[] {
  const { height, width, channels } = shape
  const count = images.length / (height * width * channels)
  const batchSize = options.batchSize ?? 256
  const [low, high] = options.inputRange ?? [0, 1]
  const rows: Float32Array[] = []
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start)
    const chunk = images.subarray(start * height * width * channels, (start + n) * height * width * channels)
    const values = tf.tidy(() => {
      const input = tf
        .tensor4d(chunk, [n, height, width, channels])
        .mul(high - low)
        .add(low)
      const activation = model.activations(input, layer)[layer]!
      if (activation.rank !== 4) return activation.reshape([n, -1])
      const [, h, w, c] = activation.shape as number[]
      return activation.slice([0, Math.floor(h! / 2), Math.floor(w! / 2), 0], [n, 1, 1, c!]).reshape([n, c!])
    })
    const data = values.dataSync() as Float32Array
    const units = values.shape[1]!
    values.dispose()
    for (let i = 0; i < n; i++) rows.push(data.slice(i * units, (i + 1) * units))
  }
  return rows
}

function range(count: number, period: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * period) / count)
}

function geometric(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) =>
    Number((from * Math.pow(to / from, i / (count - 1))).toFixed(3)),
  )
}
