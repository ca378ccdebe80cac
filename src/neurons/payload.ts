/** The dictionary's JSON payload for the extension's neuron view (`NeuronsPayload`). */
import { encodeArray, encodeRawImage } from '../display/codec'
import { makeProvenance } from '../display/provenance'
import type { EncodedImage, NeuronsPayload, NeuronUnit } from '../display/schema'
import type { NeuronDictionary } from './neuron-dictionary'
import type { ImageData } from './render'

/**
 * Builds the payload: per unit its picture, top examples (image, score, label, activation map), its
 * concept labels, its orientation tuning curve as the sparkline (all curves in `tuningCurves`), its
 * orientation selectivity, and its ablation effect (accuracy drop, or the true-class probability drop
 * without labels).
 */
export function dictionaryPayload(dictionary: NeuronDictionary): NeuronsPayload {
  const { parts } = dictionary
  const units: NeuronUnit[] = dictionary.entries.map((entry) => {
    const orientation = entry.tuning?.find((c) => c.sweep === 'orientation') ?? null
    return {
      index: entry.unit,
      visualization: entry.visualization ? rawImage(entry.visualization) : null,
      topExamples: entry.examples.map((example) => {
        const image = dictionary.exampleImage(example.index)!
        const side = Math.round(Math.sqrt(example.map.length))
        const [h, w] = side * side === example.map.length ? [side, side] : [1, example.map.length]
        return {
          image: rawImage(image),
          activation: example.activation,
          index: example.index,
          label: parts.labels ? dictionary.className(parts.labels[example.index]!) : null,
          map: encodeArray(example.map, [h, w], 'uint8', {
            range: [0, Math.max(entry.statistics.max, 1e-6)],
          }),
        }
      }),
      concept: entry.label ? { label: entry.label.concept, iou: entry.label.iou } : null,
      concepts: entry.concepts.map((c) => ({ label: c.concept, iou: c.iou })),
      tuning: orientation ? orientation.responses : null,
      selectivity: orientation ? orientation.selectivity : null,
      ablationEffect: entry.ablation
        ? (entry.ablation.accuracyDrop ?? entry.ablation.targetProbabilityDrop)
        : null,
      ...(entry.note ? { note: entry.note } : {}),
      tuningCurves: entry.tuning
        ? entry.tuning.map((c) => ({
            sweep: c.sweep,
            values: c.values,
            responses: c.responses,
            preferred: c.preferred,
            selectivity: c.selectivity,
            selectivityIndex: c.selectivityIndex,
          }))
        : null,
      statistics: entry.statistics,
      ablation: entry.ablation,
    }
  })
  const provenance = makeProvenance({ method: 'neurons', parameters: parts.parameters, seed: parts.seed })
  return {
    version: 1,
    kind: 'neurons',
    provenance: { ...provenance, modelFingerprint: parts.model.fingerprint },
    layer: dictionary.layer,
    units,
    tuningLabels: null,
    classNames: parts.classNames ? [...parts.classNames] : null,
    baselineAccuracy: parts.baselineAccuracy,
  }
}

function rawImage(image: ImageData): EncodedImage {
  const bytes = new Uint8Array(image.height * image.width * image.channels)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, image.data[i]!)))
  return encodeRawImage(bytes, image.width, image.height, image.channels === 3 ? 3 : 1)
}
