/** Structure of representations: similarity between layers and models (gw.similarity). */
import { cka, minibatchCka } from './cka'
import { cca, svcca, pwcca } from './cca'
import { procrustes } from './procrustes'
import { rsa, rdm, compareRdms } from './rsa'
import { layerSimilarity } from './layers'
import { nmf } from './nmf'
import { spray } from './spray'
import { clusterUnits, spatialActivations } from './cluster'
import { atlas } from './atlas'

/** Similarity measures between two representations of the same examples (rows). */
export const similarity = {
  cka,
  minibatchCka,
  cca,
  svcca,
  pwcca,
  procrustes,
  rsa,
  rdm,
  compareRdms,
  layers: layerSimilarity,
  nmf,
  spray,
  clusterUnits,
  spatialActivations,
  atlas,
}

export { cka, minibatchCka, cca, svcca, pwcca, procrustes, rsa, rdm, compareRdms, layerSimilarity }
export { nmf, spray, clusterUnits, spatialActivations, atlas }
export type { AtlasOptions } from './atlas'
export { ActivationAtlas, type AtlasCellData } from './atlas-result'
export { ClusteredUnits, type UnitExamples } from './cluster-result'
export type { SprayOptions, SprayResult } from './spray'
export type { NmfOptions, NmfResult } from './nmf'
export type { ClusterOptions, UnitClusters, Linkage } from './cluster'
export { LayerSimilarity, randomTwin, type LayerSimilarityOptions, type LayerSimilarityData } from './layers'
export type { CkaOptions, CkaResult, MinibatchCkaOptions, BandwidthRule } from './cka'
export type { CcaResult, SvccaResult, PwccaResult, SvccaOptions, PwccaOptions } from './cca'
export type { ProcrustesResult } from './procrustes'
export type { Rdm, RdmOptions, RsaOptions, RsaResult, RdmDistance, RdmComparison } from './rsa'
