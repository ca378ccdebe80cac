/** The embedding methods: adding one is a file, a line here, and a row in the conformance test. */
import type { EmbeddingMethod } from './embedding'
import { runPcaMethod, runTsneMethod, runUmapMethod, type EmbeddingRunner } from './methods'
import type { PcaOptions } from './pca'
import type { TsneOptions } from './tsne'
import type { UmapOptions } from './umap'

/** Each method's own options. */
export interface MethodOptions {
  pca: Omit<PcaOptions, 'components'>
  tsne: TsneOptions
  umap: UmapOptions
}

/** Method name to runner. */
export const EMBEDDING_METHODS: { [M in EmbeddingMethod]: EmbeddingRunner<MethodOptions[M]> } = {
  pca: runPcaMethod,
  tsne: runTsneMethod,
  umap: runUmapMethod,
}
