/**
 * The Kubernetes form: an Indexed Job (`completionMode: Indexed`), one completion per shard
 * (`$JOB_COMPLETION_INDEX` is the shard), a failed index retried on its own (`backoffLimitPerIndex`),
 * the results on a shared volume. Written for `kubectl apply -f`; no cluster runs it here.
 */
import type { LoadedJob } from '../parts'

/** Options of the manifest. */
export interface KubernetesOptions {
  /** An image holding Node.js and Glasswing (built from this repository). */
  image: string
  /** A PersistentVolumeClaim (ReadWriteMany) holding the model, the job file and the output folder. */
  volumeClaim: string
  /** Where the claim is mounted in the pods; the job's paths must lie under it (default '/data'). */
  mountPath?: string
  /** Pods at once (default 4). */
  parallelism?: number
  /** CPUs per pod (default '1'); memory per pod (default '2Gi'). */
  cpu?: string
  memory?: string
  /** Retries per index (default 2). */
  retries?: number
  /** The worker command in the image (default 'node /opt/glasswing/dist/jobs/cli.js'). */
  workerCommand?: string
}

/** The Indexed Job manifest, as an object (JSON is valid YAML for `kubectl apply -f`). */
export function kubernetesManifest(job: LoadedJob, options: KubernetesOptions): Record<string, unknown> {
  const name = `gw-${job.spec.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 52).replace(/-+$/, '')
  const mountPath = options.mountPath ?? '/data'
  const command = (options.workerCommand ?? 'node /opt/glasswing/dist/jobs/cli.js').split(' ')
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'glasswing-job' } },
    spec: {
      completionMode: 'Indexed',
      completions: job.spec.shards,
      parallelism: options.parallelism ?? 4,
      backoffLimitPerIndex: options.retries ?? 2,
      maxFailedIndexes: job.spec.shards,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'worker',
              image: options.image,
              command: [...command, 'run', job.file],
              resources: {
                requests: { cpu: options.cpu ?? '1', memory: options.memory ?? '2Gi' },
                limits: { memory: options.memory ?? '2Gi' },
              },
              volumeMounts: [{ name: 'data', mountPath }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: options.volumeClaim } }],
        },
      },
    },
  }
}
