/**
 * `glasswing install`: writes the kernelspec (kernel.json and logos) where Jupyter looks for kernels.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Where to install: the user's Jupyter data folder, the active Python environment, or a prefix. */
export type InstallTarget = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; prefix: string }

/**
 * The kernelspec Jupyter reads. `env` becomes the kernel's environment, for example
 * `{ GLASSWING_ENGINE_MEMORY_MB: '4096' }` (the engine's memory ceiling; see engine/supervise.ts).
 */
export function kernelSpec(env: Record<string, string> = {}): Record<string, unknown> {
  return {
    argv: [
      process.execPath,
      path.resolve(__dirname, '..', 'bin', 'glasswing.js'),
      'kernel',
      '{connection_file}',
    ],
    display_name: 'Glasswing (TypeScript)',
    language: 'typescript',
    // Interrupts arrive as interrupt_request on the control channel; the kernel stops the engine itself.
    interrupt_mode: 'message',
    env,
    metadata: { debugger: false },
  }
}

/** The folder that holds Jupyter's kernelspecs for a target. */
export function kernelsFolder(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (target.kind === 'prefix') return path.resolve(target.prefix, 'share', 'jupyter', 'kernels')
  if (target.kind === 'sys-prefix') {
    const prefix =
      env.VIRTUAL_ENV ??
      env.CONDA_PREFIX ??
      execFileSync('python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim()
    return path.join(prefix, 'share', 'jupyter', 'kernels')
  }
  if (env.JUPYTER_DATA_DIR) return path.join(env.JUPYTER_DATA_DIR, 'kernels')
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter', 'kernels')
  const data = env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share')
  return path.join(data, 'jupyter', 'kernels')
}

/**
 * Writes the `glasswing` kernelspec and returns its folder.
 *
 * @example
 * installKernelSpec({ kind: 'prefix', prefix: '.venv' })   // '.venv/share/jupyter/kernels/glasswing'
 */
export function installKernelSpec(target: InstallTarget, env: Record<string, string> = {}): string {
  const folder = path.join(kernelsFolder(target), 'glasswing')
  mkdirSync(folder, { recursive: true })
  writeFileSync(path.join(folder, 'kernel.json'), JSON.stringify(kernelSpec(env), null, 2) + '\n')
  const logos = path.resolve(__dirname, '..', 'logo')
  for (const file of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) {
    copyFileSync(path.join(logos, file), path.join(folder, file))
  }
  return folder
}

/**
 * The kernel's environment from command-line flags: `--memory-mb N` (the engine's memory ceiling in MiB,
 * or `off`) as `GLASSWING_ENGINE_MEMORY_MB`.
 *
 * @example
 * parseInstallEnv(['--user', '--memory-mb', '4096'])   // { GLASSWING_ENGINE_MEMORY_MB: '4096' }
 */
export function parseInstallEnv(args: string[]): Record<string, string> {
  const at = args.indexOf('--memory-mb')
  const value = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--memory-mb='))?.split('=')[1]
  if (at < 0 && value === undefined) return {}
  if (value === undefined || !(value === 'off' || (Number.isFinite(Number(value)) && Number(value) >= 64))) {
    throw new Error(
      `--memory-mb takes the engine's memory ceiling in MiB (at least 64) or 'off'; got ${value ?? 'nothing'}. ` +
        'For example `glasswing install --user --memory-mb 4096`.',
    )
  }
  return { GLASSWING_ENGINE_MEMORY_MB: value }
}

/** Reads the install target from command-line flags. */
export function parseInstallTarget(args: string[]): InstallTarget {
  if (args.includes('--sys-prefix')) return { kind: 'sys-prefix' }
  const at = args.indexOf('--prefix')
  if (at >= 0) {
    const prefix = args[at + 1]
    if (!prefix) throw new Error('--prefix needs a folder, for example `glasswing install --prefix .venv`')
    return { kind: 'prefix', prefix }
  }
  const joined = args.find((a) => a.startsWith('--prefix='))
  if (joined) return { kind: 'prefix', prefix: joined.slice('--prefix='.length) }
  return { kind: 'user' }
}
