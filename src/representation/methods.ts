/**
 * The embedding methods behind one call shape: points in, 2-D coordinates out (plus what the quality
 * measures and the view can reuse). src/representation/index.ts lists them in its registry.
 */
import type { Matrix } from './matrix'
import type { Neighbors } from './neighbors'
import { fitPca, type PcaOptions } from './pca'
import { runTsne, type ProgressCallback, type TsneOptions } from './tsne'
import { runUmap, type UmapOptions } from './umap'

/** What every method returns. */
export interface MethodResult {
  coordinates: Float32Array
  parameters: Record<string, unknown>
  seed: number | null
  neighbors?: Neighbors
  explainedVarianceRatio?: number[]
}

/** One embedding method. */
export type EmbeddingRunner<Options> = (
  matrix: Matrix,
  options: Options,
  onProgress: ProgressCallback | undefined,
) => Promise<MethodResult>

/** PCA to 2 components. */
export const runPcaMethod: EmbeddingRunner<Omit<PcaOptions, 'components'>> = async (matrix, options) => {
  const model = fitPca(matrix, { ...options, components: 2 })
  return {
    coordinates: model.transform(matrix).values,
    parameters: { solver: model.solver, whiten: model.whiten },
    seed: model.solver === 'randomized' ? (options.seed ?? 0) : null,
    explainedVarianceRatio: Array.from(model.explainedVarianceRatio),
  }
}

/** t-SNE (see tsne.ts). */
export const runTsneMethod: EmbeddingRunner<TsneOptions> = async (matrix, options, onProgress) => {
  const result = await runTsne(matrix, { ...options, ...(onProgress ? { onProgress } : {}) })
  return {
    coordinates: result.coordinates,
    parameters: { ...result.parameters },
    seed: result.parameters.seed,
    neighbors: result.neighbors,
  }
}

/** UMAP (see umap.ts). */
export const runUmapMethod: EmbeddingRunner<UmapOptions> = async (matrix, options, onProgress) => {
  const result = await runUmap(matrix, { ...options, ...(onProgress ? { onProgress } : {}) })
  return {
    coordinates: result.coordinates,
    parameters: { ...result.parameters },
    seed: result.parameters.seed,
    neighbors: result.neighbors,
  }
}
