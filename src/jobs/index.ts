/**
 * Jobs: one `gw` computation over a whole data set, sharded over worker processes on this machine, a
 * Ray cluster, a Slurm array or a Kubernetes Indexed Job, merged back into the in-process call's result.
 * `gw.jobs` gathers them.
 */
import { submit, writeJob } from './handle'
import { mergeJob, missingShards } from './merge'
import { readJob } from './parts'
import { kubernetesManifest } from './runners/kubernetes'
import { slurmScript, writeSlurmScript } from './runners/slurm'
import { shardRange, shardRanges } from './shards'

export { JobHandle, type JobStatus, type ShardState, type SubmitOptions, type JobResult } from './handle'
export type { JobSpec, JobData, JobOperation } from './spec'
export type { LocalRunnerOptions } from './runners/local'
export type { RayRunnerOptions } from './runners/ray'
export type { SlurmOptions, SlurmRunnerOptions } from './runners/slurm'
export type { KubernetesOptions } from './runners/kubernetes'
export { JobArray, ExplainedAndEvaluated } from './job-array'

/** `gw.jobs`: submit a job, or write it for Slurm or Kubernetes, merge its parts, read the contract. */
export const jobs = {
  submit,
  write: writeJob,
  read: readJob,
  merge: mergeJob,
  missingShards,
  slurmScript,
  writeSlurmScript,
  kubernetesManifest,
  shardRange,
  shardRanges,
}
