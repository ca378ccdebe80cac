/**
 * Representations: activations at any layer, PCA, t-SNE and UMAP, with quality measures, as
 * `Embedding` results that display themselves. One file per method; the registry below names them.
 */
// The registry of methods lives in registry.ts (embed.ts reads it; importing it from here would be a cycle).
export { EMBEDDING_METHODS, type MethodOptions } from './registry'
export { embed, embedLayers, pca, tsne, umap, quality, type EmbedOptions } from './embed'
export { Embedding, type EmbeddingMethod, type EmbeddingDetails, type Thumbnails } from './embedding'
export { LayerComparison } from './comparison'
export { PcaModel, type PcaOptions } from './pca'
export type { TsneOptions, EmbeddingProgress, ProgressCallback } from './tsne'
export type { UmapOptions } from './umap'
export type { EmbeddingQuality, QualityOptions } from './quality'
export type { Matrix, MatrixLike } from './matrix'
export type { Pooling } from './activations'
export type { NeighborMethod } from './neighbors'
