/**
 * The payloads Glasswing sends to front ends, one versioned MIME type per view.
 *
 * This module is dependency-free on purpose: the library writes these shapes, and the JupyterLab
 * extension reads them (and `validate.ts` checks them) before rendering. A change to a payload's shape
 * is a new version in its MIME type, never an edit in place; adding an optional field is not a change.
 *
 * Arrays travel as base64 of little-endian typed arrays (`EncodedArray`, written by `codec.ts`), never
 * as JSON number lists: 8 MNIST explanations stay well under 100 KB, 8 at 224x224 under 2 MB.
 */

/** The MIME types of Glasswing's views. */
export const MIME_TYPES = {
  saliency: 'application/vnd.glasswing.saliency.v1+json',
  embedding: 'application/vnd.glasswing.embedding.v1+json',
  neurons: 'application/vnd.glasswing.neurons.v1+json',
  features: 'application/vnd.glasswing.features.v1+json',
  surrogate: 'application/vnd.glasswing.surrogate.v1+json',
  attention: 'application/vnd.glasswing.attention.v1+json',
  matrix: 'application/vnd.glasswing.matrix.v1+json',
  counterfactual: 'application/vnd.glasswing.counterfactual.v1+json',
  atlas: 'application/vnd.glasswing.atlas.v1+json',
  clusters: 'application/vnd.glasswing.clusters.v1+json',
} as const

export type ViewKind = keyof typeof MIME_TYPES

/** How a picture was made: enough for a reader of a saved notebook to reproduce it. */
export interface Provenance {
  /** 'glasswing' and its version. */
  library: { name: 'glasswing'; version: string }
  /** The backend that computed it, for example `{ name: 'tensorflow', device: 'cpu', version: '2.21.0' }`. */
  backend: { name: string; device: string; version: string | null; tfjs: string }
  /** The method, for example 'integrated-gradients' or 'tsne'. */
  method: string
  /** Every option the method ran with, defaults filled in. */
  parameters: Record<string, unknown>
  /** The seed of stochastic methods, null for deterministic ones. */
  seed: number | null
  /** A short hash of the model's topology and weights, null where no model was involved. */
  modelFingerprint: string | null
  /** ISO 8601 time of computation. */
  createdAt: string
}

/** Every payload carries its kind's version and its provenance. */
export interface PayloadBase {
  version: 1
  provenance: Provenance
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

/** Element types an `EncodedArray` may hold. */
export type EncodedDType = 'uint8' | 'uint16' | 'int32' | 'float16' | 'float32'

/**
 * A dense array: base64 of its little-endian bytes, row-major in `shape`.
 *
 * A `uint8` array with a `range` is quantised: element `q` stands for
 * `range[0] + (q / 255) * (range[1] - range[0])`. Without `range`, integers are the values themselves.
 * `codec.ts` has `encodeArray` / `decodeArray`.
 */
export interface EncodedArray {
  dtype: EncodedDType
  shape: number[]
  /** Base64 of the bytes (length = product of shape x bytes per element). */
  data: string
  /** The real values of q = 0 and q = 255 of a quantised `uint8` array. */
  range?: [number, number]
}

/**
 * A picture: either a base64 PNG (compact for photographs and large images), or raw `uint8` pixels
 * (height x width x channels, row-major; compact and synchronous to draw for small images like MNIST).
 */
export type EncodedImage =
  | { encoding: 'png'; width: number; height: number; data: string }
  | { encoding: 'raw'; width: number; height: number; channels: 1 | 3 | 4; data: string }

/** A model's output for one input: the class index, its probability (or score), and its name. */
export interface Prediction {
  target: number
  probability: number
}

// ---------------------------------------------------------------------------------------------------
// Saliency: `gw.explain` (one method) and `gw.compare` (several methods), over images

/**
 * Attribution maps over images: inputs x methods x targets.
 *
 * One `gw.explain` is one method; `gw.compare` is several (the view draws a methods x inputs grid).
 * Each input may carry maps for several targets (its top-k classes); the view switches between them.
 *
 * @example
 * { version: 1, provenance, kind: 'saliency', signed: true, methods: ['integrated-gradients'],
 *   classNames: ['0', ..., '9'], inputs: [{ image, label: 7, predictions: [{ target: 7, probability: 0.98 }] }],
 *   maps: [{ input: 0, method: 0, target: 7, values: { dtype: 'uint8', shape: [28, 28], data, range: [-0.4, 0.6] } }] }
 */
export interface SaliencyPayload extends PayloadBase {
  kind: 'saliency'
  /** Method names, in the order of the compare grid's rows (one for `explain`). */
  methods: string[]
  /** True when maps hold signed values (gradient x input, IG); false for magnitudes (saliency, Grad-CAM). */
  signed: boolean
  /**
   * Per method (the order of `methods`), whether its maps are signed, so that a comparison shows its
   * magnitude rows as magnitudes whatever "Show" says; absent: every method as `signed`.
   */
  signedMethods?: boolean[]
  /** Class names by index, or null to show indices. */
  classNames: string[] | null
  inputs: SaliencyInput[]
  maps: SaliencyMap[]
  /** How the view starts; every field optional. */
  view?: SaliencyViewOptions
  /**
   * Identifies the result in the kernel that computed it: with a kernel connected, the view asks it for
   * the maps of another class (`explain` message) under this id. Absent: the view shows what it holds.
   */
  displayId?: string
  /** How many classes the model outputs, so the view can offer each one (absent: the classes it holds). */
  classCount?: number
}

/** One explained input. */
export interface SaliencyInput {
  image: EncodedImage
  /** The true class, when known. */
  label: number | null
  /** The model's top-k predictions, most probable first. */
  predictions: Prediction[]
}

/** One attribution map: a height x width array (channels already reduced), same size as its input. */
export interface SaliencyMap {
  /** Index into `inputs`. */
  input: number
  /** Index into `methods`. */
  method: number
  /** The class the map explains. */
  target: number
  /** Shape [height, width]; `uint8` with `range` (quantised) or `float16`/`float32`. */
  values: EncodedArray
}

/** Which part of a signed map to show. */
export type SaliencyMode = 'signed' | 'absolute' | 'positive' | 'negative'

export interface SaliencyViewOptions {
  /** Overlay opacity, 0..1 (default 0.6). */
  opacity?: number
  /** Percentile at which the colour scale saturates, 50..100 (default 99). */
  clipPercentile?: number
  /** Default 'signed' for signed maps, 'absolute' otherwise. */
  mode?: SaliencyMode
}

// ---------------------------------------------------------------------------------------------------
// Embedding: `gw.embed` (PCA, t-SNE, UMAP of activations)

/**
 * Points in 2-D or 3-D, with columns to colour by and optional thumbnails.
 *
 * A live t-SNE sends the same payload again with `update_display_data` (same `displayId`) as
 * `progress` advances; the view updates in place.
 */
export interface EmbeddingPayload extends PayloadBase {
  kind: 'embedding'
  /** 'pca' | 'tsne' | 'umap', or another projection's name. */
  method: string
  /** The layer whose activations were embedded, when known. */
  layer: string | null
  dimensions: 2 | 3
  /** `float32` or `float16`, shape [n, dimensions]. */
  coordinates: EncodedArray
  /** Columns to colour by, each of length n. The view offers all of them. */
  columns: EmbeddingColumn[]
  /** The column to colour by first (a column's name); default: the 'label' role, else the first. */
  colorBy?: string
  /** Small pictures of some inputs, shown on hover and in the selection gallery. */
  thumbnails?: EmbeddingThumbnails | null
  /** PCA: the fraction of variance each component explains, first first. */
  explainedVariance?: number[] | null
  /** A live computation's progress; absent or null when final. */
  progress?: { step: number; total: number } | null
  /** Identifies the view for comms (selection) and in-place updates. */
  displayId?: string
  /** How faithful the embedding is (trustworthiness and k-NN preservation at k neighbours). */
  quality?: { k: number; trustworthiness: number; knnPreservation: number; queries: number } | null
}

/**
 * One column. `role` marks the columns the view derives 'correctness' from (label vs prediction).
 * Categorical values are codes into `categories`.
 */
export type EmbeddingColumn =
  | {
      name: string
      type: 'category'
      role?: 'label' | 'prediction'
      categories: string[]
      /** `uint8`, `uint16` or `int32` codes, shape [n]; -1 (int32) for missing. */
      values: EncodedArray
    }
  | { name: string; type: 'number'; role?: 'label' | 'prediction'; values: EncodedArray }

/** Thumbnails: `images` is `uint8`, shape [m, height, width, channels]; `points` says whose they are. */
export interface EmbeddingThumbnails {
  images: EncodedArray
  /** `int32` point indices, shape [m]; absent means points 0..m-1. */
  points?: EncodedArray
}

// ---------------------------------------------------------------------------------------------------
// Neurons: `gw.neurons` (feature visualization, top examples, dissection, tuning, ablation)

/** A dictionary of units of one layer. */
export interface NeuronsPayload extends PayloadBase {
  kind: 'neurons'
  layer: string
  units: NeuronUnit[]
  /** Names of the tuning curve's x values (e.g. class names), shared by all units; null when numeric. */
  tuningLabels?: string[] | null
  /** Class names by index (for `ablation.classProbabilityChange`), or null. */
  classNames?: string[] | null
  /** The model's accuracy over the ablation data before any ablation, or null without labels. */
  baselineAccuracy?: number | null
}

/** One unit (a channel of a conv layer, a neuron of a dense layer). Every measurement is optional. */
export interface NeuronUnit {
  /** Channel or neuron index in the layer. */
  index: number
  /** Activation maximisation picture. */
  visualization?: EncodedImage | null
  /** The inputs that excite it most, strongest first. */
  topExamples?: NeuronExample[]
  /** Network dissection: the best-matching concept and its IoU (0..1). */
  concept?: { label: string; iou: number } | null
  /** Other concepts with their IoU, best first. */
  concepts?: { label: string; iou: number }[]
  /** Mean activation per tuning value (e.g. per class): a sparkline. */
  tuning?: number[] | null
  /** How selective the unit is (e.g. 0..1, higher is more selective). */
  selectivity?: number | null
  /** Drop in the metric when the unit is ablated (larger = more important). */
  ablationEffect?: number | null
  /** A caveat to show with the unit (e.g. it never fires on the data, or no picture makes it fire). */
  note?: string | null
  /** Every tuning curve of the unit (orientation, frequency, phase, position, hue), `tuning` being one. */
  tuningCurves?: NeuronTuningCurve[] | null
  /** The unit's activation over the data. */
  statistics?: { mean: number; std: number; max: number; activeFraction: number } | null
  /** Ablation in detail: accuracy without the unit, and the change of each class's mean probability. */
  ablation?: {
    accuracy: number | null
    accuracyDrop: number | null
    classProbabilityChange: number[]
    targetProbabilityDrop: number
  } | null
}

/** A unit's response to one swept synthetic stimulus. */
export interface NeuronTuningCurve {
  /** What was swept: 'orientation', 'frequency', 'phase', 'position' or 'hue'. */
  sweep: string
  values: number[]
  responses: number[]
  preferred: number
  /** 0..1, higher is more selective; `selectivityIndex` names the formula. */
  selectivity: number
  selectivityIndex: string
}

export interface NeuronExample {
  image: EncodedImage
  activation: number
  /** Index of the example in its data set, when known. */
  index?: number | null
  /** Its label's name, when known. */
  label?: string | null
  /** The unit's activation map over the example, [height, width] at the layer's resolution. */
  map?: EncodedArray | null
}

// ---------------------------------------------------------------------------------------------------
// Features: attributions for tabular and text models (SHAP-like, LIME, IG over tokens)

/** Feature attributions, tabular or text. */
export type FeaturesPayload = TabularFeaturesPayload | TextFeaturesPayload

/**
 * Tabular: n examples x f features. The view shows a waterfall and a bar chart per example and a
 * beeswarm of global importance over all of them.
 */
export interface TabularFeaturesPayload extends PayloadBase {
  kind: 'features'
  modality: 'tabular'
  featureNames: string[]
  /** `float32`/`float16`, shape [n, f]. */
  attributions: EncodedArray
  /** The features' values, shape [n, f] (numeric; categorical as codes), or null. Colours the beeswarm. */
  values: EncodedArray | null
  /** The model output with no feature information (SHAP's expected value), per example, length n. */
  baseValues: number[]
  /** The model output explained, per example, length n. */
  outputs: number[]
  /** What the output is, e.g. 'P(bad credit)'. */
  outputName: string
  /** Names of examples (length n), or null. */
  exampleNames?: string[] | null
  /**
   * The features' values as text, [n][f] (raw values such as '35' or 'A14', not their encoding), for the
   * waterfall's labels ('age = 35'); shown as text only. Absent or null: none.
   */
  valueLabels?: string[][] | null
  /** Global importance: mean |attribution| of each feature over the n examples (length f), or null. */
  importance?: number[] | null
  /**
   * `gw.compare`: several methods' attributions of the same examples and features, which the view draws
   * side by side (grouped bars). `attributions` (and the base values) are then the first method's, so a
   * view that knows one method still shows something true. Absent or null: one method.
   */
  comparison?: FeaturesComparison | null
}

/** Attributions of the same n examples x f features by several methods (`gw.compare` over a table). */
export interface FeaturesComparison {
  /** Method names, in the order of the first axis of `attributions`. */
  methods: string[]
  /** `float32`/`float16`, shape [methods, n, f]. */
  attributions: EncodedArray
}

/** Text: per example, tokens with signed attributions. */
export interface TextFeaturesPayload extends PayloadBase {
  kind: 'features'
  modality: 'text'
  outputName: string
  examples: TextExample[]
  /**
   * `gw.compare`: the methods whose values each example's `byMethod` holds, in order (each example's
   * `attributions` are then the first method's). Absent or null: one method.
   */
  methods?: string[] | null
}

export interface TextExample {
  tokens: string[]
  /** One per token. */
  attributions: number[]
  baseValue: number
  output: number
  /** The example's label name, when known. */
  label?: string | null
  /** With `methods`: one list per method, one value per token. */
  byMethod?: number[][] | null
}

// ---------------------------------------------------------------------------------------------------
// Live link: comm messages between a view and its notebook's kernel

/**
 * The comm target the kernel registers. Each view that talks to the kernel opens its own comm
 * (`comm_open` with this target and empty data) and closes it when the view is disposed.
 */
export const COMM_TARGET = 'glasswing.v1'

/** Messages a view sends (`comm_msg` data). */
export type ViewMessage =
  /**
   * The points selected in an embedding view (lasso or box), in point order; `gw.selection()` returns
   * them. A large selection comes as `mask` (base64 of a bitmask over the points, `indicesToMask`) with
   * `indices` empty: the Jupyter server drops browser messages over 10 MiB, a million indices as JSON.
   */
  | { type: 'selection'; displayId: string; indices: number[]; mask?: string }
  /** A saliency view asks for maps of another target (class index) or method, for all its inputs. */
  | { type: 'explain'; requestId: string; displayId: string; target: number; method?: string }
  /**
   * A saliency view asks for one quality metric (a `gw.evaluate` metric name that needs no mask) of the
   * maps it shows of method row `method`: `targets[i]` is the class shown for input `i` (null: none).
   */
  | {
      type: 'score'
      requestId: string
      displayId: string
      metric: string
      method: number
      targets: (number | null)[]
    }

/** Messages the kernel sends back (`comm_msg` data). */
export type KernelMessage =
  /** New maps for an `explain` request; the view merges them into what it shows. */
  | { type: 'explained'; requestId: string; maps: SaliencyMap[]; methods?: string[] }
  /**
   * The scores of a `score` request: one per input (null where the input had no target), their mean,
   * the metric's title and direction, as `gw.evaluate` computes them on the same maps.
   */
  | {
      type: 'scored'
      requestId: string
      metric: string
      title: string
      higherIsBetter: boolean
      scores: (number | null)[]
      mean: number | null
    }
  /** The request failed; `message` is shown to the user as text. */
  | { type: 'error'; requestId: string; message: string }

/** The payload type of each view. */
export interface PayloadOf {
  saliency: SaliencyPayload
  embedding: EmbeddingPayload
  neurons: NeuronsPayload
  features: FeaturesPayload
  surrogate: SurrogatePayload
  attention: AttentionPayload
  matrix: MatrixPayload
  counterfactual: CounterfactualPayload
  atlas: AtlasPayload
  clusters: ClustersPayload
}

// ---------------------------------------------------------------------------------------------------
// Surrogate (gw.distill): the fidelity-versus-depth curve beside the chosen tree

/** One node of a surrogate tree, in depth-first order (left child first); leaves have feature -1. */
export interface SurrogateNode {
  feature: number
  /** `feature <= threshold` goes left; null at leaves. */
  threshold: number | null
  left: number
  right: number
  samples: number
  /** The node's majority label and its share of the node's rows. */
  label: string
  share: number
}

/** One rule of an ordered rule list; the default (last) has no conditions. */
export interface SurrogateRule {
  /** All must hold: `featureNames[feature] <= threshold` or `> threshold`. */
  conditions: { feature: number; operator: '<=' | '>'; threshold: number }[]
  label: string
  /** Training rows the rule captures (those no earlier rule captured). */
  samples: number
  /** Share of the rows (held out where there are) the rule captures, and how often the model agrees with it there (null: none captured). */
  coverage: number
  precision: number | null
}

/** One feature's shape function of a GAM: `cuts.length + 1` bins, `values[b]` added for a value in bin b. */
export interface SurrogateShape {
  feature: number
  /** Bin b holds values in (cuts[b - 1], cuts[b]]; the first bin is unbounded below, the last above. */
  cuts: number[]
  values: number[]
}

/** A GAM's shape functions for one class (or output), strongest first. */
export interface SurrogateShapes {
  className: string
  intercept: number
  shapes: SurrogateShape[]
  /** Features with a non-flat shape left out of `shapes` (only the strongest are sent). */
  omitted: number
}

/** A surrogate model of gw.distill: its fidelity curve and, for trees, the tree itself. */
export interface SurrogatePayload extends PayloadBase {
  kind: 'surrogate'
  surrogate: 'tree' | 'rules' | 'linear' | 'gam'
  featureNames: string[]
  classNames: string[]
  /** Label agreement with the model, by tree depth (rule lists: by rules before the default), on the training rows and held out. */
  curve: { depth: number; leaves: number; agreement: number; heldOutAgreement: number | null }[]
  /** The depth of the tree shown, the number of rules before the default of a rule list, or null. */
  chosenDepth: number | null
  nodes: SurrogateNode[]
  fidelity: { agreement: number; heldOutAgreement: number | null; r2: number | null }
  /** Readable rules or equations, one per line. */
  text: string[]
  /** Rule lists: the rules in order, the default last. */
  rules?: SurrogateRule[]
  /** GAMs: each class's shape functions. */
  shapes?: SurrogateShapes[]
}

// ---------------------------------------------------------------------------------------------------
// Attention (gw.transformer.attention): every layer's and head's pattern of one example

/** A per-head summary score: one value per head, layer-major (`layer * heads + head`). */
export interface AttentionScore {
  /** 'entropy', 'previous-token', 'induction', ... */
  name: string
  /** One line: what the score measures. */
  description: string
  /** One per head; null where the score is undefined (induction without a repeated token). */
  values: (number | null)[]
}

/**
 * One example's attention: a layers x heads grid of query x key patterns, per-head scores, and
 * attention rollout and flow when the result carries them.
 *
 * Patterns are compact: each query row is sent as uint8 fractions of its own largest weight
 * (`q / 255 * rowMax`), so a row of 512 small weights keeps three significant digits; a causal model's
 * patterns hold only their lower triangle (`layout: 'lower'`, row i has i + 1 keys). 512 tokens x 8
 * layers x 8 heads is 8.4 MB of bytes (11 MB of base64) causal, twice that full.
 *
 * @example
 * { version: 1, provenance, kind: 'attention', title: 'Attention of example 0', tokens: ['<s>', 'a', 'b'],
 *   layers: 2, heads: 2, example: 0, exampleCount: 64, layout: 'lower',
 *   patterns: { dtype: 'uint8', shape: [2, 2, 6], data }, rowMax: { dtype: 'float16', shape: [2, 2, 3], data },
 *   scores: [{ name: 'induction', description: '...', values: [0.1, null, 0.9, 0.2] }], rollout: null, flow: null }
 */
export interface AttentionPayload extends PayloadBase {
  kind: 'attention'
  title: string
  /** One label per position of the example shown. */
  tokens: string[]
  layers: number
  heads: number
  /** The example shown, and how many the result holds (the scores are over all of them). */
  example: number
  exampleCount: number
  /** 'full': T x T per pattern; 'lower': T (T + 1) / 2, row by row (keys after the query are 0). */
  layout: 'full' | 'lower'
  /** `uint8` without range, [layers, heads, cells]: each weight as a fraction q / 255 of its row's `rowMax`. */
  patterns: EncodedArray
  /** `float16` or `float32` [layers, heads, T]: each query row's largest weight. */
  rowMax: EncodedArray
  /** Per-head summary scores (may be empty). */
  scores: AttentionScore[]
  /** Attention rollout of the example, `float16` or `float32` [T, T] (output position x input token). */
  rollout: { values: EncodedArray; residual: boolean; headFusion: string; startLayer: number } | null
  /** Attention flow from one output position to every input token, `float16` or `float32` [T]. */
  flow: { output: number; values: EncodedArray } | null
}

// ---------------------------------------------------------------------------------------------------
// Matrix: any rows x columns table of numbers drawn as a heatmap (CKA between layers, ablation effects
// per unit and class, quality metrics per method, TCAV scores per concept and layer, patching sweeps)

/**
 * A labelled matrix of numbers, drawn as a heatmap: hover a cell for its value, click a column's name to
 * sort the rows by it, click a cell for the values behind it (`perItem`: one per example, batch, ...).
 *
 * @example
 * { version: 1, provenance, kind: 'matrix', title: 'CKA between the layers of mnist-cnn',
 *   rowTitle: 'layer', columnTitle: 'layer', valueLabel: 'linear CKA', rows: ['conv1', 'dense'],
 *   columns: ['conv1', 'dense'], values: { dtype: 'float32', shape: [2, 2], data }, scale: 'sequential',
 *   range: [0, 1] }
 */
export interface MatrixPayload extends PayloadBase {
  kind: 'matrix'
  title: string
  /** What the rows are (for example 'method', 'unit', 'layer'). */
  rowTitle: string
  /** What the columns are. */
  columnTitle: string
  /** What a cell's number is (for example 'mean deletion AUC', 'accuracy change'). */
  valueLabel: string
  rows: string[]
  columns: string[]
  /** `float32`, shape [rows, columns]; NaN where a cell has no value (drawn empty). */
  values: EncodedArray
  /** 'sequential' colours low to high; 'diverging' centres the colours on 0. */
  scale: 'sequential' | 'diverging'
  /** The values at the ends of the colour scale; absent or null: the values' own extent. */
  range?: [number, number] | null
  /** A short mark per cell ('*' significant, '~' no better than chance, ''), [rows][columns]. */
  marks?: string[][] | null
  /** The values behind each cell, shown on click: `float32` of shape [rows, columns, items]. */
  perItem?: { label: string; items: string[]; values: EncodedArray } | null
  /** One line under the title: how the numbers were made and what the marks mean. */
  caption?: string | null
  /** Lines of text shown above the heatmap: the result's summary (overall figures, tests). */
  notes?: string[] | null
  /**
   * 'all' (default): one colour scale for every cell; 'column': each column coloured on its own extent
   * (columns in different units, such as metrics), brightest = best where `higherIsBetter` says.
   */
  colourBy?: 'all' | 'column' | null
  /** Whether a higher value is better, per column (the view's sort starts from the best); absent: none. */
  higherIsBetter?: (boolean | null)[] | null
}

// ---------------------------------------------------------------------------------------------------
// Counterfactual (gw.counterfactuals): what would have to change for the model to decide otherwise

/**
 * One example and its counterfactuals. Tabular: a table of the features (rows) of the original and of
 * each counterfactual (columns), changed cells highlighted, immutable features marked, the probability of
 * the target before and after. Images: original | counterfactual | difference, drawn from the arrays.
 *
 * @example
 * { version: 1, provenance, kind: 'counterfactual', modality: 'tabular', featureNames: ['duration', 'age'],
 *   original: { dtype: 'float32', shape: [2], data }, counterfactuals: { dtype: 'float32', shape: [3, 2], data },
 *   target: 0, targetName: 'good', threshold: 0.5, originalProbability: 0.31, probabilities: [0.5, 0.52, 0.61],
 *   immutable: [1], requested: 3, validity: 1, proximity: 1.2, sparsity: 1.3, diversity: 0.8, reason: null,
 *   seconds: 0.9 }
 */
export interface CounterfactualPayload extends PayloadBase {
  kind: 'counterfactual'
  /** 'tabular': a row of named features; 'image': [height, width, channels] with 1 or 3 channels. */
  modality: 'tabular' | 'image'
  /** One name per feature (tabular); empty for images. */
  featureNames: string[]
  /** `float32` of one example's shape: [features] or [height, width, channels]. */
  original: EncodedArray
  /** `float32` [k, ...the example's shape]: the counterfactuals found (k may be 0). */
  counterfactuals: EncodedArray
  /** The class the search had to reach, and its name (null where unknown). */
  target: number
  targetName: string | null
  /** The probability of the target a counterfactual must reach (valid when >= threshold). */
  threshold: number
  /** The probability of the target for the original, and for each counterfactual (length k). */
  originalProbability: number
  probabilities: number[]
  /** Indices of the features that were not allowed to change (tabular). */
  immutable: number[]
  /** How many counterfactuals were asked for. */
  requested: number
  /** Share of the requested count that reach the target (0..1). */
  validity: number
  /** Mean scaled L1 distance to the original; null without counterfactuals. */
  proximity: number | null
  /** Mean number of changed features (pixels); null without counterfactuals. */
  sparsity: number | null
  /** Mean scaled L1 distance between counterfactuals; null with fewer than two. */
  diversity: number | null
  /** Why none was found, null when some were. */
  reason: string | null
  /** Wall time of the search. */
  seconds: number
}

// ---------------------------------------------------------------------------------------------------
// Atlas (gw.similarity.atlas): an activation atlas, a grid over a 2-D layout of a layer's activations

/**
 * An activation atlas (Carter et al. 2019): activation vectors of one layer sampled over many images,
 * laid out in 2-D (UMAP on cosine distance), binned into a `columns` x `rows` grid; each cell shown
 * with at least `minCount` samples carries its count, its samples' most frequent classes and an icon.
 *
 * @example
 * { version: 1, provenance, kind: 'atlas', title: 'Activation atlas of conv2d_2', layer: 'conv2d_2',
 *   method: 'umap', columns: 20, rows: 20, samples: 10000, images: 10000, minCount: 3,
 *   classNames: ['0', ..., '9'], icons: { dtype: 'uint8', shape: [180, 12, 12, 1], data },
 *   iconKind: 'patch', visualizations: null,
 *   cells: [{ column: 3, row: 0, count: 41, icon: 0, visualization: null, classes: [{ class: 7, count: 30 }] }] }
 */
export interface AtlasPayload extends PayloadBase {
  kind: 'atlas'
  title: string
  layer: string
  /** The 2-D layout's method ('umap', 'tsne'). */
  method: string
  /** Grid cells across and down. */
  columns: number
  rows: number
  /** Activation vectors laid out, and the images they were sampled from. */
  samples: number
  images: number
  /** Cells with fewer samples are left empty. */
  minCount: number
  /** Class names by index (for `cells[].classes`), or null where the images had no labels. */
  classNames: string[] | null
  /**
   * The cells' icons, `uint8` [m, height, width, channels] (1 or 3 channels): the input patch under the
   * sample nearest the cell's mean activation ('patch').
   */
  icons: EncodedArray
  iconKind: 'patch'
  /**
   * Feature visualizations of the cells' mean directions, `uint8` [v, height, width, channels], for the
   * most populated cells (`cells[].visualization` indexes it); null where none were made.
   */
  visualizations?: EncodedArray | null
  cells: AtlasCell[]
  /**
   * Input patches of each cell's nearest distinct images (`cells[i].examples`), `uint8` [cells, k, size,
   * size, channels] in the order of `cells`; zero where a cell has fewer than k. Null or absent: none.
   */
  examplePatches?: EncodedArray | null
  /** One line under the title: how the atlas was made. */
  caption?: string | null
}

/** One non-empty cell of an atlas. */
export interface AtlasCell {
  /** Grid position, row 0 at the top. */
  column: number
  row: number
  /** Samples in the cell. */
  count: number
  /** Index into `icons`, or null. */
  icon: number | null
  /** Index into `visualizations`, or null. */
  visualization?: number | null
  /** The classes of the images its samples came from, most frequent first (at most 3). */
  classes: { class: number; count: number }[]
  /** Data set indices of images whose samples lie nearest the cell's mean (at most 4). */
  examples?: number[] | null
}

// ---------------------------------------------------------------------------------------------------
// Clusters (gw.similarity.clusterUnits): units clustered by correlation, a dendrogram and a heatmap

/**
 * Units of a layer clustered hierarchically on 1 - Pearson r: the dendrogram (scipy-style merges) beside
 * the correlation heatmap in leaf order, flat clusters, and optionally each unit's top examples.
 *
 * @example
 * { version: 1, provenance, kind: 'clusters', title: 'Units of conv2d_2 clustered', units: ['0', '1', '2'],
 *   correlation: { dtype: 'float32', shape: [3, 3], data }, merges: [[0, 2, 0.1, 2], [1, 3, 0.8, 3]],
 *   order: [0, 2, 1], clusters: [0, 1, 0], constantUnits: [], linkage: 'average', examples: null }
 */
export interface ClustersPayload extends PayloadBase {
  kind: 'clusters'
  title: string
  /** Unit names, in the original order (every index below refers to it). */
  units: string[]
  /** `float32` [d, d]: Pearson r between units, original order. */
  correlation: EncodedArray
  /** [a, b, height, size] per merge; clusters numbered from d up, as scipy's linkage. */
  merges: [number, number, number, number][]
  /** Leaf order of the dendrogram: a permutation of 0..d-1. */
  order: number[]
  /** Flat cluster of each unit (0-based). */
  clusters: number[]
  /** Units that never varied (no correlation). */
  constantUnits: number[]
  /** 'average', 'complete' or 'single'. */
  linkage: string
  /** Each unit's top examples: `uint8` [d, k, height, width, channels], strongest first; null: none. */
  examples?: EncodedArray | null
}
