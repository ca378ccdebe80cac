/**
 * The Ray runner, through Ray's language-neutral Jobs REST API (plain HTTP from Node) (the dashboard, port 8265): the job's
 * description is uploaded as the working directory (`PUT /api/packages/gcs/_ray_pkg_<hash>.zip`), each
 * shard is one Ray job (`POST /api/jobs/`, entrypoint `node .../cli.js run job.json --shard N`, with
 * its CPU and GPU requests, so Ray runs as many at once as the cluster has room for), polled
 * (`GET /api/jobs/{id}`), retried when it fails (its log is saved), and stopped on cancel
 * (`POST /api/jobs/{id}/stop`). Workers read the model and write parts on a file system they share
 * with the notebook (the job's `output`); on a real cluster that is a network file system, and
 * `workerCommand` names how the nodes start Glasswing's worker.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { dirname } from 'node:path'
import { GlasswingError } from '../../errors'
import type { LoadedJob } from '../parts'
import type { Runner, RunnerEvents, RunningJob } from './types'
import { logFile, workerScript } from './worker-command'
import { zip } from './zip'

/** Options of the Ray runner. */
export interface RayRunnerOptions {
  runner: 'ray'
  /** The dashboard's address, e.g. 'http://127.0.0.1:8265' (the head's `--dashboard-host` and port). */
  address: string
  /** Extra HTTP headers on every request, e.g. `{ Authorization: 'Bearer ...' }` for a proxied cluster. */
  headers?: Record<string, string>
  /** CPUs each shard asks for (default 1). */
  cpus?: number
  /** GPUs each shard asks for (default 0). */
  gpus?: number
  /** Extra attempts for a failed shard (default 2). */
  retries?: number
  /** How a node starts the worker; default this machine's `node` and dist/jobs/cli.js (a local head). */
  workerCommand?: string
  /** Seconds between polls (default 0.5). */
  pollSeconds?: number
}

/** A thin client of the Jobs REST API. */
export function rayClient(address: string, headers: Record<string, string> = {}) {
  const base = address.replace(/\/+$/, '')
  const call = async (method: string, path: string, body?: Uint8Array | object): Promise<unknown> => {
    const isBytes = body instanceof Uint8Array
    const payload =
      body === undefined ? undefined : isBytes ? Buffer.from(body) : Buffer.from(JSON.stringify(body))
    const { status, text } = await request(
      `${base}${path}`,
      method,
      {
        ...headers,
        ...(payload ? { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' } : {}),
      },
      payload,
    )
    if (status < 200 || status >= 300) {
      throw new GlasswingError({
        where: 'gw.jobs (ray)',
        argument: 'options.address',
        expected: `Ray's Jobs API to accept ${method} ${path}`,
        received: `HTTP ${status}: ${text.slice(0, 300)}`,
        hint: 'Check the address (the dashboard, port 8265), the headers (auth), and the Ray version (2.x).',
      })
    }
    return text ? JSON.parse(text) : null
  }
  return {
    async upload(files: Record<string, Uint8Array>): Promise<string> {
      const archive = zip(files)
      const name = `_ray_pkg_${createHash('sha1').update(archive).digest('hex').slice(0, 16)}.zip`
      await call('PUT', `/api/packages/gcs/${name}`, archive)
      return `gcs://${name}`
    },
    async submit(body: object): Promise<string> {
      const reply = (await call('POST', '/api/jobs/', body)) as { submission_id?: string; job_id?: string }
      return reply.submission_id ?? reply.job_id!
    },
    async status(id: string): Promise<{ status: string; message?: string }> {
      return (await call('GET', `/api/jobs/${id}`)) as { status: string; message?: string }
    },
    async logs(id: string): Promise<string> {
      return ((await call('GET', `/api/jobs/${id}/logs`)) as { logs: string }).logs
    },
    async stop(id: string): Promise<void> {
      await call('POST', `/api/jobs/${id}/stop`)
    },
  }
}

/**
 * One HTTP request with node:http(s). Not `fetch`: undici's fetch sends `Sec-Fetch-Mode: cors`, and Ray's
 * dashboard refuses a PUT or POST that looks like browser traffic (HTTP 405).
 */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        )
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

export function rayRunner(options: RayRunnerOptions): Runner {
  if (typeof options.address !== 'string' || !/^https?:\/\//.test(options.address)) {
    throw new GlasswingError({
      where: 'gw.jobs.submit',
      argument: 'options.address',
      expected: "the Ray dashboard's URL, e.g. 'http://127.0.0.1:8265'",
      received: String(options.address),
      hint: "Start a head with `ray start --head --dashboard-host=127.0.0.1`, or use your cluster's dashboard URL.",
    })
  }
  const client = rayClient(options.address, options.headers)
  const retries = options.retries ?? 2
  const poll = (options.pollSeconds ?? 0.5) * 1000
  return {
    name: 'ray',
    start(job: LoadedJob, shards: number[], events: RunnerEvents): RunningJob {
      const command = options.workerCommand ?? `${process.execPath} ${workerScript()}`
      const running = new Map<number, { id: string; attempt: number }>()
      const settledShards = new Set<number>()
      let cancelled = false
      const launch = async (shard: number, attempt: number, workingDir: string) => {
        const id = await client.submit({
          entrypoint: `${command} run job.json --shard ${shard}`,
          runtime_env: { working_dir: workingDir },
          entrypoint_num_cpus: options.cpus ?? 1,
          entrypoint_num_gpus: options.gpus ?? 0,
          metadata: { glasswing_job: job.spec.name, shard: String(shard), attempt: String(attempt) },
        })
        running.set(shard, { id, attempt })
        events.started(shard, attempt, `ray job ${id}`)
      }
      const settled = (async () => {
        const workingDir = await client.upload({ 'job.json': readFileSync(job.file) })
        for (const shard of shards) if (!cancelled) await launch(shard, 1, workingDir)
        while (running.size > 0 && !cancelled) {
          await new Promise((resolve) => setTimeout(resolve, poll))
          for (const [shard, { id, attempt }] of [...running]) {
            if (cancelled) break
            const { status, message } = await client.status(id)
            if (status === 'PENDING' || status === 'RUNNING') continue
            running.delete(shard)
            const log = logFile(job.output, shard, attempt, 'ray')
            mkdirSync(dirname(log), { recursive: true })
            writeFileSync(log, await client.logs(id).catch((error: Error) => `(no log: ${error.message})`))
            if (status === 'SUCCEEDED') {
              settledShards.add(shard)
              events.finished(shard)
              continue
            }
            const final = attempt > retries
            events.failed(shard, attempt, `ray job ${id} ${status}: ${message ?? ''} (log: ${log})`, final)
            if (final) settledShards.add(shard)
            else await launch(shard, attempt + 1, workingDir)
          }
        }
      })()
      return {
        settled: settled.catch((error: unknown) => {
          // The API itself failed (head gone, auth refused): every shard not settled yet fails with it.
          const reason = `Ray's Jobs API: ${(error as Error).message ?? String(error)}`
          for (const shard of shards) if (!settledShards.has(shard)) events.failed(shard, 0, reason, true)
        }),
        async cancel() {
          cancelled = true
          await Promise.all([...running.values()].map(({ id }) => client.stop(id).catch(() => undefined)))
          running.clear()
        },
      }
    },
  }
}
