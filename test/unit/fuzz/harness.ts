// The fuzzing harness shared by test/unit/fuzz/fuzz.test.ts (a bounded, seeded run) and
// bench/fuzz/soak.ts (hundreds of thousands of cases): random bad values in the arguments and options
// of the public gw.* functions. Every call must end in a valid result or a GlasswingError naming an
// argument; never a raw error, a leaked tensor or a hang. No vitest here: the soak runs it in plain Node.
import * as tf from '@tensorflow/tfjs'
import fc from 'fast-check'
import {
  GlasswingError,
  explain,
  compare,
  load,
  embed,
  embedLayers,
  neurons,
  pca,
  tsne,
  umap,
  quality,
  datasets,
} from '../../../src'
import { METHODS, type MethodName } from '../../../src/attribution'
import type { GlasswingModel } from '../../../src/model'
import { tinyCnn } from '../model/helpers'

/** What the cases run on: a tiny CNN (8x8x1 -> 3 classes) and a few inputs, made once. */
export interface Fixtures {
  model: GlasswingModel
  /** [3, 8, 8, 1] in [0, 1). */
  inputs: tf.Tensor
  /** [12, 5] points for the embeddings. */
  points: tf.Tensor
}

/** Makes the fixtures (the caller disposes them with {@link disposeFixtures}). */
export async function makeFixtures(): Promise<Fixtures> {
  return {
    model: await load(tinyCnn(), { classNames: ['a', 'b', 'c'] }),
    inputs: tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1),
    points: tf.randomNormal([12, 5], 0, 1, 'float32', 2),
  }
}

export function disposeFixtures(fixtures: Fixtures): void {
  tf.dispose([fixtures.inputs, fixtures.points])
  fixtures.model.dispose()
}

/** A bad value, described so that a failing case can be read; `make` builds it fresh for each call. */
export interface Hostile {
  label: string
  make(): unknown
}

const constant = (label: string, value: unknown): Hostile => ({ label, make: () => value })
const tensor = (label: string, make: () => tf.Tensor): Hostile => ({ label, make })

/** Bad values of every kind; integers stay small so that a valid count never starts a long run. */
export const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constantFrom(
    ...[
      Number.NaN,
      Infinity,
      -Infinity,
      -1,
      0,
      -0,
      0.5,
      1.5,
      -2.5,
      2 ** 53,
      -(2 ** 31),
      Number.MAX_VALUE,
    ].map((value) => constant(String(value), value)),
    ...[null, undefined, true, false, '', 'abc', '__proto__', 'constructor', 'predicted', 'zero'].map(
      (value) => constant(JSON.stringify(value) ?? 'undefined', value),
    ),
    constant('[]', []),
    constant('{}', {}),
    constant("[1, 'a']", [1, 'a']),
    constant('[NaN]', [Number.NaN]),
    constant('{ topK: 99 }', { topK: 99 }),
    constant('{ layer: 1 }', { layer: 1 }),
    constant('Symbol', Symbol('x')),
    constant('10n', 10n),
    constant('a function', () => 1),
    constant('a throwing function', () => {
      throw new Error('boom from a user function')
    }),
    constant('Object.create(null)', Object.create(null)),
    constant('a Date', new Date(0)),
    constant('a long string', 'x'.repeat(10_000)),
    tensor('a disposed tensor', () => {
      const t = tf.zeros([3, 8, 8, 1])
      t.dispose()
      return t
    }),
  ),
  fc.integer({ min: -5, max: 12 }).map((value) => constant(String(value), value)),
  fc.double({ min: -100, max: 100 }).map((value) => constant(String(value), value)),
  fc.string({ maxLength: 12 }).map((value) => constant(JSON.stringify(value), value)),
  fc
    .constantFrom<
      [string, () => tf.Tensor]
    >(['a string tensor', () => tf.tensor(['a', 'b', 'c'])], ['a NaN tensor', () => tf.fill([3, 8, 8, 1], Number.NaN)], ['an Infinity tensor [8, 8, 1]', () => tf.fill([8,
              8, 1], Infinity)], ['a scalar tensor', () => tf.scalar(2)], ['an int32 tensor', () => tf.tensor1d([0,
              1, 2], 'int32')], ['a bool tensor', () => tf.tensor1d([true, false, true], 'bool')], ['a [3, 5] tensor', () => tf.zeros([3,
            5])], ['a [0, 8, 8, 1] tensor', () => tf.zeros([0, 8, 8, 1])], ['a [1, 8, 8, 1] tensor', () => tf.ones([1,
            8, 8, 1])], ['a [3, 8, 8, 1] tensor', () => tf.ones([3, 8, 8, 1])])
    .map(([label, make]) => tensor(label, make)),
)

/** The options each method reads (its own and the common ones), the keys a case corrupts. */
const COMMON_KEYS = ['target', 'seed', 'batchSize', 'noise', 'neuron']
const METHOD_KEYS: Partial<Record<MethodName, string[]>> = {
  saliency: ['absolute'],
  'integrated-gradients': ['steps', 'rule', 'baseline', 'blurSigma', 'internalBatchSize'],
  'layer-integrated-gradients': ['layer', 'steps', 'baseline', 'internalBatchSize'],
  'layer-gradient-x-activation': ['layer'],
  'gradient-shap': ['baselines', 'samples', 'stdev', 'internalBatchSize'],
  smoothgrad: ['absolute'],
  vargrad: ['absolute'],
  'grad-cam': ['layer'],
  'grad-cam++': ['layer'],
  'layer-cam': ['layer'],
  'score-cam': ['layer', 'weighting'],
  occlusion: ['window', 'stride', 'baseline'],
  'feature-ablation': ['segments', 'baseline'],
  'kernel-shap': ['segments', 'samples', 'background', 'baseline'],
  lime: ['segments', 'samples', 'kernelWidth', 'baseline'],
  rise: ['masks', 'gridSize', 'keepProbability', 'baseline', 'center'],
  lrp: ['composite', 'epsilon', 'gamma'],
  'guided-ig': ['steps', 'fraction', 'maxDistance', 'baseline'],
  xrai: ['steps', 'regions', 'baseline'],
  'neuron-deeplift': ['neuron', 'baseline', 'rule'],
  'feature-permutation': ['segments', 'repeats', 'featureNames'],
  'layer-conductance': ['layer', 'steps', 'rule', 'baseline', 'internalBatchSize'],
  'neuron-conductance': ['through', 'steps', 'rule', 'baseline'],
  'internal-influence': ['layer', 'steps', 'rule', 'baseline', 'internalBatchSize'],
}
/** Small settings, so that a case whose corruption turns out valid finishes quickly. */
const SMALL: Record<string, unknown> = {
  steps: 4,
  samples: 8,
  masks: 8,
  gridSize: 2,
  layer: 'conv',
  window: 2,
  segments: { method: 'grid', cellSize: 4 },
  noise: { samples: 2 },
  through: { layer: 'conv', index: [2, 3, 1] },
  neuron: { layer: 'conv', index: [2, 3, 1] },
}

/** One case: which function, how its arguments are corrupted. */
export interface Case {
  fn: string
  /** Field paths corrupted, each with its bad value. */
  corrupt: { path: string; value: Hostile }[]
  method?: MethodName
}

const methodNames = Object.keys(METHODS) as MethodName[]

/** Cases for gw.explain / gw.compare: a method with small settings, one or two fields corrupted. */
const explainCase: fc.Arbitrary<Case> = fc.constantFrom(...methodNames).chain((method) => {
  const keys = ['model', 'inputs', 'options', ...COMMON_KEYS, ...(METHOD_KEYS[method] ?? [])].map((key) =>
    ['model', 'inputs', 'options'].includes(key) ? key : `options.${key}`,
  )
  const corrupt = fc.uniqueArray(fc.record({ path: fc.constantFrom(...keys), value: hostile }), {
    minLength: 1,
    maxLength: 2,
    selector: (entry) => entry.path,
  })
  return fc.record({ fn: fc.constantFrom('explain', 'compare'), corrupt, method: fc.constant(method) })
})

const EMBED_KEYS = [
  'data',
  'options',
  'options.method',
  'options.labels',
  'options.predictions',
  'options.classNames',
  'options.reduce',
  'options.quality',
  'options.thumbnails',
  'options.perplexity',
  'options.iterations',
  'options.learningRate',
  'options.neighbors',
  'options.seed',
  'options.epochs',
  'options.minDistance',
  'options.components',
  'options.layer',
  'options.pool',
  'options.batchSize',
]
const LOAD_KEYS = [
  'source',
  'options',
  'options.classNames',
  'options.warmup',
  'options.inputSize',
  'options.tags',
]
const DATASET_KEYS = [
  'options',
  'options.split',
  'options.limit',
  'options.start',
  'options.offset',
  'options.watermark',
  'options.sources',
]
const LAYERS_KEYS = [
  'model',
  'inputs',
  'options',
  'options.layers',
  'options.method',
  'options.pool',
  'options.labels',
]
const NEURON_KEYS = [
  'model',
  'options',
  'options.layer',
  'options.data',
  'options.labels',
  'options.units',
  'options.top',
  'options.seed',
  'options.inputRange',
  'options.ablation',
]

const otherCase: fc.Arbitrary<Case> = fc.oneof(
  fc.record({
    fn: fc.constantFrom('embed', 'embed-model', 'tsne', 'umap', 'pca', 'quality'),
    corrupt: fc.uniqueArray(fc.record({ path: fc.constantFrom(...EMBED_KEYS), value: hostile }), {
      minLength: 1,
      maxLength: 2,
      selector: (entry) => entry.path,
    }),
  }),
  fc.record({
    fn: fc.constant('load'),
    corrupt: fc.uniqueArray(fc.record({ path: fc.constantFrom(...LOAD_KEYS), value: hostile }), {
      minLength: 1,
      maxLength: 2,
      selector: (entry) => entry.path,
    }),
  }),
  fc.record({
    fn: fc.constant('embedLayers'),
    corrupt: fc.uniqueArray(fc.record({ path: fc.constantFrom(...LAYERS_KEYS), value: hostile }), {
      minLength: 1,
      maxLength: 2,
      selector: (entry) => entry.path,
    }),
  }),
  fc.record({
    fn: fc.constant('neurons'),
    corrupt: fc.uniqueArray(fc.record({ path: fc.constantFrom(...NEURON_KEYS), value: hostile }), {
      minLength: 1,
      maxLength: 2,
      selector: (entry) => entry.path,
    }),
  }),
  fc.record({
    fn: fc.constantFrom('mnist', 'fashionMnist', 'creditG', 'sentiment'),
    corrupt: fc.uniqueArray(fc.record({ path: fc.constantFrom(...DATASET_KEYS), value: hostile }), {
      minLength: 1,
      maxLength: 2,
      selector: (entry) => entry.path,
    }),
  }),
)

/** Every case: mostly attributions (22 methods), then embeddings, loading and data sets. */
export const anyCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 3, arbitrary: explainCase },
  { weight: 2, arbitrary: otherCase },
)

/** Sets `path` ('options.noise', 'model') in the argument record, making objects on the way. */
function place(args: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let holder = args
  for (const part of parts.slice(0, -1)) {
    const next = holder[part]
    if (typeof next !== 'object' || next === null) {
      holder[part] = {}
    } else if (Object.getPrototypeOf(next) === Object.prototype) holder[part] = { ...next }
    else return // the parent itself is a bad value: leave it
    holder = holder[part] as Record<string, unknown>
  }
  holder[parts[parts.length - 1]!] = value
}

/**
 * Builds a case's arguments from its skeleton and corruptions, then calls the function. Tensors made
 * as bad values are pushed on `made`, for the caller to dispose.
 */
export function callCase(
  c: Case,
  f: Fixtures,
  made: tf.Tensor[] = [],
  models: tf.LayersModel[] = [],
): Promise<unknown> {
  const args: Record<string, unknown> = {}
  const small = (keys: string[]) =>
    Object.fromEntries(keys.filter((k) => k in SMALL).map((k) => [k, SMALL[k]]))
  switch (c.fn) {
    case 'explain':
    case 'compare':
      args.model = f.model
      args.inputs = f.inputs
      args.options = { method: c.method, ...small(METHOD_KEYS[c.method!] ?? []), seed: 1 }
      break
    case 'embed':
    case 'tsne':
    case 'umap':
    case 'pca':
    case 'quality':
      args.data = f.points
      args.options = {
        method: c.fn === 'embed' ? 'pca' : undefined,
        iterations: 20,
        epochs: 20,
        quality: false,
      }
      break
    case 'embed-model':
      args.data = f.inputs
      args.options = { method: 'pca', layer: 'flatten', quality: false }
      break
    case 'embedLayers':
      args.model = f.model
      args.inputs = f.inputs
      args.options = { layers: ['conv', 'flatten'], method: 'pca', quality: false }
      break
    case 'neurons':
      args.model = f.model
      args.options = {
        layer: 'conv',
        data: f.inputs,
        top: 2,
        visualize: false,
        tuning: false,
        dissection: false,
        ablation: false,
      }
      break
    case 'load':
      args.source = tinyCnn()
      models.push(args.source as tf.LayersModel)
      args.options = { warmup: false }
      break
    default:
      args.options = { split: 'test', limit: 4 }
  }
  for (const { path, value } of c.corrupt) {
    const bad = value.make()
    if (bad instanceof tf.Tensor) made.push(bad)
    place(args, path, bad)
  }
  const options = args.options as Record<string, unknown>
  switch (c.fn) {
    case 'explain':
      return explain(args.model as never, args.inputs as never, options as never)
    case 'compare':
      return compare(args.model as never, args.inputs as never, [options as never], { seed: 2 })
    case 'embed':
      return embed(args.data as never, options as never)
    case 'embed-model':
      return embed(f.model, args.data as never, options as never)
    case 'tsne':
      return tsne(args.data as never, options as never)
    case 'umap':
      return umap(args.data as never, options as never)
    case 'pca':
      return pca(args.data as never, options as never)
    case 'quality':
      return quality(args.data as never, f.points, options as never)
    case 'load':
      return load(args.source as never, options as never)
    case 'embedLayers':
      return embedLayers(args.model as never, args.inputs as never, options as never)
    case 'neurons':
      return neurons(args.model as never, options as never)
    case 'creditG':
      return datasets.creditG(options as never)
    case 'sentiment':
      return datasets.sentiment(options as never)
    case 'mnist':
      return datasets.mnist(options as never)
    default:
      return datasets.fashionMnist(options as never)
  }
}

/** How a case ended. */
export type Outcome =
  | { kind: 'result' }
  | { kind: 'refused'; argument: string }
  | { kind: 'backend'; message: string }
  | { kind: 'raw'; error: unknown }
  | { kind: 'unnamed'; error: GlasswingError }
  | { kind: 'leak'; tensors: number }
  | { kind: 'hang' }

/** A short description of a case, for failure messages. */
export function describeCase(c: Case): string {
  const corrupt = c.corrupt.map(({ path, value }) => `${path} = ${value.label}`).join(', ')
  return `${c.fn}${c.method ? ` (${c.method})` : ''}: ${corrupt}`
}

/** Frees what a result holds (data sets and models hold tensors; attributions and embeddings do not). */
function release(result: unknown): void {
  if (result === null || typeof result !== 'object') return
  const value = result as Record<string, unknown>
  if (typeof value.dispose === 'function' && !(result instanceof tf.Tensor)) {
    ;(value.dispose as () => void)()
    return
  }
  for (const item of Object.values(value)) if (item instanceof tf.Tensor) item.dispose()
}

/**
 * Runs one case: the outcome, with the tensors it left (beyond what its result holds) and whether it
 * finished within `timeoutMs`.
 *
 * @example
 * const outcome = await runCase(c, fixtures)   // { kind: 'refused', argument: 'options.steps' }
 */
export async function runCase(c: Case, f: Fixtures, timeoutMs = 60_000): Promise<Outcome> {
  const before = tf.memory().numTensors
  const made: tf.Tensor[] = []
  // A model made for gw.load: the loaded model owns it when loading succeeds, the case otherwise.
  const models: tf.LayersModel[] = []
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'hang'>((done) => (timer = setTimeout(() => done('hang'), timeoutMs)))
  let outcome: Outcome
  try {
    const result = await Promise.race([callCase(c, f, made, models), timeout])
    if (result === 'hang') return { kind: 'hang' }
    release(result)
    models.length = 0
    outcome = { kind: 'result' }
  } catch (error) {
    if (error instanceof GlasswingError) {
      const argument = error.details.argument
      if (/does not implement it/.test(error.message)) outcome = { kind: 'backend', message: error.message }
      else outcome = argument ? { kind: 'refused', argument } : { kind: 'unnamed', error }
    } else outcome = { kind: 'raw', error }
  } finally {
    clearTimeout(timer)
    tf.dispose(made.filter((t) => !t.isDisposed))
    for (const model of models) model.dispose()
  }
  const left = tf.memory().numTensors - before
  if (left !== 0 && outcome.kind !== 'raw') return { kind: 'leak', tensors: left }
  return outcome
}
