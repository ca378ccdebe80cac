// The shard contract, the part format and the written Slurm and Kubernetes forms: pure, no workers.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeNpy } from '../../../src/data/npy'
import { jobs, type JobSpec } from '../../../src'
import { encodeNpy } from '../../../src/jobs/npy-write'
import { zip } from '../../../src/jobs/runners/zip'

const job = (overrides: Partial<JobSpec> = {}): JobSpec => ({
  version: 1,
  name: 'unit job',
  model: '/models/mnist-cnn',
  data: { dataset: 'mnist', split: 'test' },
  operation: { kind: 'explain', options: { method: 'saliency' } },
  shards: 16,
  batchSize: 128,
  output: join(mkdtempSync(join(tmpdir(), 'gw-unit-job-')), 'out'),
  ...overrides,
})

describe('shard ranges', () => {
  it('cover every example once, in order, with boundaries on pass multiples', () => {
    for (const [total, batch, count] of [
      [10_000, 128, 16],
      [700, 64, 4],
      [5, 128, 3],
      [1, 1, 1],
      [1000, 7, 999],
    ]) {
      const ranges = jobs.shardRanges(total, batch, count)
      expect(ranges).toHaveLength(count)
      expect(ranges[0].start).toBe(0)
      expect(ranges.at(-1)!.end).toBe(total)
      for (const [i, r] of ranges.entries()) {
        if (i > 0) expect(r.start).toBe(ranges[i - 1].end)
        expect(r.end).toBeGreaterThanOrEqual(r.start)
        if (r.start < total) expect(r.start % batch).toBe(0)
      }
    }
    expect(jobs.shardRange(10_000, 128, 3, 16)).toEqual({ index: 3, start: 1792, end: 2432 })
  })
})

describe('part files', () => {
  it('are .npy files that decode to the values written', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1)
    const decoded = decodeNpy(encodeNpy(values, [2, 3, 4]))
    expect(decoded.shape).toEqual([2, 3, 4])
    expect(decoded.descr).toBe('<f4')
    expect(Array.from(decoded.data)).toEqual(Array.from(values))
    const ints = decodeNpy(encodeNpy(Int32Array.from([5, -1, 7]), [3]))
    expect(Array.from(ints.data)).toEqual([5, -1, 7])
  })

  it('a zip of the working directory lists its file for unzip', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gw-unit-zip-'))
    writeFileSync(join(folder, 'a.zip'), zip({ 'job.json': Buffer.from('{"a":1}') }))
    const check = spawnSync('python3', ['-m', 'zipfile', '-t', join(folder, 'a.zip')], { encoding: 'utf8' })
    if (check.error) return // no Python to read it back; the Ray test reads it through Ray itself
    expect(check.status, check.stderr).toBe(0)
    const listing = check.stdout
    expect(listing).toMatch(/Done testing/)
  })
})

describe('job descriptions', () => {
  it('refuse a wrong field, naming it', () => {
    expect(() => jobs.write(job({ shards: 0 }))).toThrow(/job\.shards.*an integer from 1/)
    expect(() => jobs.write(job({ operation: { kind: 'nope' } as never }))).toThrow(/job\.operation\.kind/)
    expect(() => jobs.write(job({ data: { dataset: 'cifar' } as never }))).toThrow(/job\.data\.dataset/)
    // Shards would each shuffle within themselves: feature permutation needs all the examples at once.
    const permutation = { kind: 'explain', options: { method: 'feature-permutation' } } as const
    expect(() => jobs.write(job({ operation: permutation }))).toThrow(
      /job\.operation\.options\.method.*in the notebook/s,
    )
  })

  it('hash the description: another job in the same folder does not reuse its parts', () => {
    const a = jobs.write(job())
    const b = jobs.write({
      ...a.spec,
      operation: { kind: 'explain', options: { method: 'input-x-gradient' } },
    })
    expect(a.hash).not.toBe(b.hash)
    expect(jobs.write({ ...a.spec, name: 'renamed' }).hash).toBe(a.hash)
  })
})

describe('Slurm and Kubernetes forms', () => {
  it('an sbatch array script with one task per shard and a retry loop', () => {
    const loaded = jobs.write(job({ shards: 4 }))
    const script = jobs.slurmScript(loaded, { partition: 'cpu', parallel: 2 }, [1, 3])
    expect(script).toMatch(/^#!\/bin\/bash\n/)
    expect(script).toContain('#SBATCH --array=1,3%2')
    expect(script).toContain('#SBATCH --partition=cpu')
    expect(script).toContain('--shard "$SLURM_ARRAY_TASK_ID"')
    expect(script).toContain(`run "${loaded.file}"`)
  })

  it('a Kubernetes Indexed Job, one completion per shard, its index the shard', () => {
    const loaded = jobs.write(job({ output: '/data/runs/saliency' }))
    const manifest = jobs.kubernetesManifest(loaded, { image: 'glasswing:0.1', volumeClaim: 'runs' })
    expect(manifest).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'gw-unit-job' },
      spec: {
        completionMode: 'Indexed',
        completions: 16,
        backoffLimitPerIndex: 2,
        template: { spec: { restartPolicy: 'Never' } },
      },
    })
    const name = (manifest.metadata as { name: string }).name
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/) // an RFC 1123 label, as the API server requires
    const container = (
      manifest as never as { spec: { template: { spec: { containers: { command: string[] }[] } } } }
    ).spec.template.spec.containers[0]
    expect(container.command.slice(-2)).toEqual(['run', '/data/runs/saliency/job.json'])
  })
})
