/**
 * Feature visualization by activation maximization: optimize images, through a parametrization and a
 * list of random transforms, to maximize an objective of the model's activations.
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { seededRandom } from '../data/random'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import { GlasswingError } from '../errors'
import type { GlasswingModel } from '../model'
import type { Objective, ObjectiveContext } from './objectives'
import { parametrizations, type Parametrization } from './parametrizations'
import { imageGridPng, type ImageData } from './render'
import { standardTransforms, type Transform } from './transforms'
import { liveOutput, richFrontEnd } from './live'
import { redirectedRelu } from './redirected-relu'
import { modelImageShape } from './model-shape'
import { restartDeadImages } from './dead-start'

/** Options of {@link visualize}. */
export interface VisualizeOptions {
  /** Optimization steps. Default 256. */
  steps?: number
  /** Images optimized together (see `gw.objectives.diversity`). Default 1. */
  batch?: number
  /** Default `gw.parametrizations.fourier()`. */
  parametrization?: Parametrization
  /** Applied in order at every step. Default `gw.transforms.standard(size)`; `[]` for none. */
  transforms?: readonly Transform[]
  /**
   * For this many first steps, ReLU gradients are redirected (Lucid's `redirected_relu_grad`) so that
   * units dead on the starting image still move it. Default 16; 0 for plain gradients.
   */
  redirectReluSteps?: number
  /**
   * Where redirected ReLU gradients are not in effect (0 steps, graph models, the wasm backend): how
   * many times, at most, an image on which the objective is dead at the start (zero gradient) is redrawn
   * (seeded, 4, 16 or 64 times the starting contrast in turn) before optimizing. Each try is one forward
   * and backward pass. Default 30; 0 to leave such images grey.
   */
  restarts?: number
  /** Adam's learning rate. Default 0.05. */
  learningRate?: number
  /** Seeds the initial images and the transforms. Default 0. */
  seed?: number
  /** The range the model expects its pixels in; images in [0, 1] are mapped onto it. Default [0, 1]. */
  inputRange?: readonly [number, number]
  /** Called every `progressEvery` steps and at the end, for example to update a displayed image. */
  onProgress?: (progress: VisualizationProgress) => void | Promise<void>
  /** Default 32. */
  progressEvery?: number
  /**
   * Show the images in one notebook output, updated in place every `progressEvery` steps. Default: true
   * in a notebook, false elsewhere.
   */
  live?: boolean
}

/** What {@link VisualizeOptions.onProgress} receives. */
export interface VisualizationProgress {
  step: number
  steps: number
  /** The objective's value at this step. */
  value: number
  /** The current images (computed on request). */
  images(): ImageData
}

/**
 * Optimized images and how they were made. Plain data: nothing to dispose.
 */
export class Visualization {
  constructor(
    readonly objective: string,
    /** The images, values in [0, 1]. */
    readonly images: ImageData,
    /** The objective's value at every step (before that step's update). */
    readonly history: readonly number[],
    readonly parameters: Readonly<Record<string, unknown>>,
  ) {}

  /** The images as a new tensor [batch, height, width, channels]; the caller disposes it. */
  toTensor(): tf.Tensor4D {
    const { data, batch, height, width, channels } = this.images
    return tf.tensor4d(data, [batch, height, width, channels])
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const last = this.history[this.history.length - 1] ?? NaN
    return {
      'image/png': imageGridPng(this.images, { scale: Math.max(1, Math.round(112 / this.images.height)) }),
      'text/plain': `Visualization of ${this.objective}: ${this.images.batch} image(s) ${this.images.height}x${this.images.width}, ${this.history.length} steps, final value ${last.toPrecision(4)}`,
    }
  }
}

/**
 * Finds images that maximize `objective`.
 *
 * @example
 * const vis = await gw.visualize(model, gw.objectives.channel('conv2d_1', 3), { steps: 256, seed: 1 })
 * vis.history.at(-1)   // the objective's final value; the cell shows the image
 */
export async function visualize(
  model: GlasswingModel,
  objective: Objective,
  options: VisualizeOptions = {},
): Promise<Visualization> {
  await ensureBackend()
  const where = 'gw.visualize'
  const steps = options.steps ?? 256
  const batch = options.batch ?? 1
  const seed = options.seed ?? 0
  const every = options.progressEvery ?? 32
  const [low, high] = options.inputRange ?? [0, 1]
  checkCount(steps, 'options.steps', where)
  checkCount(batch, 'options.batch', where)
  const { height, width, channels } = modelImageShape(model, where)
  const parametrization = options.parametrization ?? parametrizations.fourier()
  const transforms = options.transforms ?? standardTransforms(Math.max(height, width))
  // ReLU overrides reach into Layers models only. Through an override, tfjs takes every input's gradient
  // of a convolution, its filter's too; the wasm backend lacks that kernel, so there the plain gradient
  // is used (dead units may then stay grey).
  const canRedirect =
    model.kind === 'layers' && tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined
  const redirectSteps = canRedirect ? (options.redirectReluSteps ?? 16) : 0
  const random = seededRandom(seed)
  const parametrized = parametrization.create({ batch, height, width, channels }, seed)
  const optimizer = tf.train.adam(options.learningRate ?? 0.05)
  const history: number[] = []
  const live = liveOutput(options.live ?? richFrontEnd(), `Visualizing ${objective.name}`)
  const currentImages = () => readImages(tf.tidy(() => parametrized.images()))
  try {
    // One forward pass outside the tape first: an objective that does not fit the model (a unit out of
    // range, a dense layer for a channel) fails here, where failing leaves nothing behind.
    tf.tidy(() => {
      const images = parametrized.images()
      objective.evaluate(
        makeContext(model, objective, images, images.mul(high - low).add(low) as tf.Tensor4D),
      )
    })
    requireKernels(transforms)
    const restarts =
      redirectSteps > 0
        ? { contrast: {}, stillDead: [] }
        : restartDeadImages(parametrized, objectiveGradient(model, objective, [low, high]), {
            tries: options.restarts ?? 30,
            seed,
            batch,
          })
    for (let step = 0; step < steps; step++) {
      live.checkInterrupt(where, step, steps)
      const cost = optimizer.minimize(
        () => {
          const images = parametrized.images()
          let input = images
          for (const transform of transforms) input = transform.apply(input, random)
          input = fitTo(input, height, width)
          const scaled = input.mul(high - low).add(low) as tf.Tensor4D
          const context = makeContext(model, objective, images, scaled, step < redirectSteps)
          return objective.evaluate(context).neg() as tf.Scalar
        },
        true,
        parametrized.variables as tf.Variable[],
      )
      history.push(-cost!.dataSync()[0]!)
      cost!.dispose()
      if ((step + 1) % every === 0 || step === steps - 1) {
        const snapshot = { step: step + 1, steps, value: history[step]!, images: currentImages }
        live.show(snapshot.step, steps, snapshot.value, currentImages)
        await options.onProgress?.(snapshot)
        // Let the kernel send the update (and see an interrupt) before the next block of steps.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    live.finish(
      `Visualized ${objective.name}: ${steps} steps, objective ${history[0]!.toPrecision(3)} -> ${history[steps - 1]!.toPrecision(3)}`,
    )
    return new Visualization(objective.name, currentImages(), history, {
      steps,
      batch,
      seed,
      learningRate: options.learningRate ?? 0.05,
      redirectReluSteps: redirectSteps,
      // Images redrawn because the objective was dead on their first start, and by what contrast.
      restarted: restarts.contrast,
      parametrization: { name: parametrization.name, ...parametrization.parameters },
      transforms: transforms.map((t) => t.name),
      inputRange: [low, high],
    })
  } catch (error) {
    throw explainBackendError(error, where)
  } finally {
    optimizer.dispose()
    parametrized.dispose()
  }
}

function makeContext(
  model: GlasswingModel,
  objective: Objective,
  images: tf.Tensor4D,
  input: tf.Tensor4D,
  redirect = false,
): ObjectiveContext {
  const layers = objective.needs.layers
  let activations: Record<string, tf.Tensor>
  let output: tf.Tensor | undefined
  if (objective.needs.output || redirect) {
    const result = model.run(input, { capture: layers, ...(redirect ? { relu: redirectedRelu } : {}) })
    activations = result.activations
    output = result.output
  } else {
    activations = layers.length > 0 ? model.activations(input, layers) : {}
  }
  return {
    images,
    activation: (layer) => activations[layer]!,
    output: () => output!,
  }
}

/** The gradient of the objective with respect to untransformed images, for finding dead starts. */
function objectiveGradient(
  model: GlasswingModel,
  objective: Objective,
  [low, high]: readonly [number, number],
): (images: tf.Tensor4D) => tf.Tensor4D {
  const value = (x: tf.Tensor) => {
    const images = x as tf.Tensor4D
    return objective.evaluate(makeContext(model, objective, images, images.mul(high - low).add(low)))
  }
  return (images) => tf.grad(value)(images) as tf.Tensor4D
}

/** Centre-crops or pads (grey) transformed images back to the model's input size. */
function fitTo(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [n, h, w, c] = images.shape
  if (h === height && w === width) return images
  const top = Math.floor((h - height) / 2)
  const left = Math.floor((w - width) / 2)
  let result = images
  if (h > height || w > width) {
    result = result.slice(
      [0, Math.max(0, top), Math.max(0, left), 0],
      [n, Math.min(h, height), Math.min(w, width), c],
    )
  }
  const [, h2, w2] = result.shape
  if (h2 < height || w2 < width) {
    const padTop = Math.floor((height - h2) / 2)
    const padLeft = Math.floor((width - w2) / 2)
    result = result.pad(
      [
        [0, 0],
        [padTop, height - h2 - padTop],
        [padLeft, width - w2 - padLeft],
        [0, 0],
      ],
      0.5,
    )
  }
  return result
}

function readImages(images: tf.Tensor4D): ImageData {
  const [batch, height, width, channels] = images.shape
  const data = images.dataSync() as Float32Array
  images.dispose()
  return { data, batch, height, width, channels }
}

/** Fails before optimizing when a transform's gradient needs a kernel the backend lacks. */
function requireKernels(transforms: readonly Transform[]): void {
  const backendName = tf.getBackend()
  for (const transform of transforms) {
    for (const kernel of transform.gradientKernels ?? []) {
      if (!tf.getKernel(kernel, backendName)) {
        throw new Error(
          `Kernel '${kernel}' not registered for backend '${backendName}' (needed by ${transform.name})`,
        )
      }
    }
  }
}

function checkCount(value: number, argument: string, where: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new GlasswingError({ where, argument, expected: 'a positive integer', received: String(value) })
  }
}
