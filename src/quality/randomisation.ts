/**
 * Model parameter randomisation (Adebayo et al. 2018): re-initialise the model's layers the way
 * their initializers would (seeded), explain again, and measure how similar the explanations stay.
 * A method that passes changes its explanations as the weights go; one whose explanations stay
 * (similarity near 1) does not depend on what the model learned.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import type { GlasswingModel } from '../model/types'
import { throwIfInterrupted } from '../session/interrupt'

/** Which layers are randomised at each stage. */
export type RandomisationOrder = 'cascading' | 'independent' | 'bottom-up'

// Which initializer property of a tfjs layer made each kind of weight.
const INITIALIZER_OF: Record<string, string> = {
  kernel: 'kernelInitializer',
  bias: 'biasInitializer',
  gamma: 'gammaInitializer',
  beta: 'betaInitializer',
  moving_mean: 'movingMeanInitializer',
  moving_variance: 'movingVarianceInitializer',
  depthwise_kernel: 'depthwiseInitializer',
  pointwise_kernel: 'pointwiseInitializer',
  recurrent_kernel: 'recurrentInitializer',
  embeddings: 'embeddingsInitializer',
}

interface Initializer {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor
  getConfig(): Record<string, unknown>
}

/** The layers with weights, input to output. */
export function randomisableLayers(model: GlasswingModel, where: string): tf.layers.Layer[] {
  const layersModel = model.tfModel as tf.LayersModel
  if (!Array.isArray((layersModel as { layers?: unknown }).layers)) {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a layers model (its weights are re-initialised layer by layer)',
      received: `a ${model.kind} model`,
      hint: 'Convert the model to a tfjs layers model, or skip the randomisation test.',
    })
  }
  return layersModel.layers.filter((layer) => layer.weights.length > 0)
}

/**
 * New values for a layer's weights from its own initializers, seeded (`seed` + the weight's position);
 * a weight whose initializer is not found gets a Glorot-uniform draw (kernels) or zeros.
 */
export function reinitialisedWeights(layer: tf.layers.Layer, seed: number): tf.Tensor[] {
  return layer.weights.map((weight, index) => {
    const base = weight.originalName.split('/').pop() ?? ''
    const property = INITIALIZER_OF[base]
    const found = property
      ? ((layer as unknown as Record<string, unknown>)[property] as Initializer | undefined)
      : undefined
    const shape = weight.shape as number[]
    if (found && typeof found.apply === 'function') {
      const Kind = found.constructor as new (config: Record<string, unknown>) => Initializer
      let seeded: Initializer = found
      try {
        seeded = new Kind({ ...found.getConfig(), seed: seed + index })
      } catch {
        seeded = found
      }
      return seeded.apply(shape, 'float32')
    }
    return base.includes('kernel')
      ? (tf.initializers.glorotUniform({ seed: seed + index }) as unknown as Initializer).apply(
          shape,
          'float32',
        )
      : tf.zeros(shape)
  })
}

/** Per stage: the layers randomised so far (names, outermost first) and the explanation rows. */
export interface RandomisationStage {
  layer: string
  randomised: string[]
  explanations: Float32Array[]
  similarity: number[]
}

/**
 * Runs the test: stages in `order` ('cascading': top layer first, each stage adding the next layer
 * down; 'independent': one layer at a time, the others trained; 'bottom-up': cascading from the first
 * layer). The model's weights are restored afterwards, also on error or interrupt.
 */
export async function parameterRandomisation(
  model: GlasswingModel,
  explain: () => Promise<Float32Array[]>,
  original: readonly Float32Array[],
  similarity: (a: Float32Array, b: Float32Array) => number,
  options: { order: RandomisationOrder; seed: number; where: string },
): Promise<RandomisationStage[]> {
  const layers = randomisableLayers(model, options.where)
  const sequence = options.order === 'bottom-up' ? layers : [...layers].reverse()
  const saved = layers.map((layer) => layer.getWeights().map((w) => w.clone()))
  const restore = (layer: tf.layers.Layer): void => layer.setWeights(saved[layers.indexOf(layer)]!)
  const stages: RandomisationStage[] = []
  try {
    const randomised: string[] = []
    for (const [step, layer] of sequence.entries()) {
      throwIfInterrupted(options.where, { done: step, total: sequence.length, unit: 'layers' })
      if (options.order === 'independent') for (const other of layers) restore(other)
      const fresh = reinitialisedWeights(layer, options.seed + 1000 * layers.indexOf(layer))
      layer.setWeights(fresh)
      tf.dispose(fresh)
      randomised.push(layer.name)
      const explanations = await explain()
      stages.push({
        layer: layer.name,
        randomised: options.order === 'independent' ? [layer.name] : [...randomised],
        explanations,
        similarity: explanations.map((e, i) => similarity(original[i]!, e)),
      })
    }
  } finally {
    for (const layer of layers) restore(layer)
    for (const weights of saved) tf.dispose(weights)
  }
  return stages
}
