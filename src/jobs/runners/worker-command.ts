/** Where the worker command is, for runners that start it on this machine or a shared file system. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { GlasswingError } from '../../errors'

/**
 * The compiled worker script (dist/jobs/cli.js). From the compiled library it is beside this file's
 * folder; from the TypeScript sources (tests) it is the build's copy.
 */
export function workerScript(): string {
  const compiled = resolve(__dirname, '..', 'cli.js')
  if (existsSync(compiled)) return compiled
  const built = resolve(__dirname, '..', '..', '..', 'dist', 'jobs', 'cli.js')
  if (existsSync(built)) return built
  throw new GlasswingError({
    where: 'gw.jobs.submit',
    argument: 'runner',
    expected: 'the compiled worker, dist/jobs/cli.js',
    received: `nothing at ${built}`,
    hint: 'Build the library first: make build (or npx tsc -p tsconfig.build.json).',
  })
}

/** The library's root folder (holds node_modules, dist, notebooks). */
export function libraryRoot(): string {
  return resolve(workerScript(), '..', '..', '..')
}

/** The log file of one attempt. */
export function logFile(output: string, shard: number, attempt: number, runner: string): string {
  return join(output, 'logs', `${runner}-shard-${String(shard).padStart(5, '0')}-attempt-${attempt}.log`)
}
