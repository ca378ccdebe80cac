/**
 * Models: load tfjs Layers and Graph models and TF SavedModels; name every layer; read activations
 * at any layer; cut a model at a layer.
 */
export { load, type LoadOptions } from './load'
export { nearestNames, checkLayerName } from './names'
export type { ForwardOptions, ForwardResult, GlasswingModel, ModelKind, SplitModel } from './types'
