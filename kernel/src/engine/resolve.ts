/**
 * How cells find the Glasswing library, from any working directory.
 *
 * The library is the root package of the checkout (`glasswing`); the kernel is its `kernel/` workspace.
 * 1. `libraryRoot()` finds it: `$GLASSWING_LIBRARY`, else an installed `glasswing` package visible from
 *    the kernel, else the kernel package's parent folder when that is the `glasswing` package.
 * 2. At run time a hook on Node's module resolution sends `glasswing` and `glasswing/...` to that root
 *    (always: one copy of the library, one tfjs engine), and retries any other bare specifier that the
 *    cell's folder cannot resolve from the library root (so `@tensorflow/tfjs` works anywhere and is the
 *    library's own instance).
 * 3. For type checking, completion and inspection, the same mapping is applied to the TypeScript
 *    compiler's file system: `<cwd>/node_modules/glasswing/...` reads the library's files, and other
 *    packages missing under `<cwd>/node_modules` are read from the library's `node_modules`.
 */
import { existsSync, readFileSync } from 'node:fs'
import Module from 'node:module'
import path from 'node:path'

const NAME = 'glasswing'

/**
 * The folder of the Glasswing library that cells get.
 *
 * @example
 * libraryRoot()   // '/work/main'
 */
export function libraryRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GLASSWING_LIBRARY) return path.resolve(env.GLASSWING_LIBRARY)
  const kernelPackage = path.resolve(__dirname, '..', '..')
  try {
    return path.dirname(require.resolve(`${NAME}/package.json`, { paths: [kernelPackage] }))
  } catch {
    // Not installed as a package: the checkout layout below.
  }
  const parent = path.dirname(kernelPackage)
  if (packageName(parent) === NAME) return parent
  throw new Error(
    `the Glasswing kernel cannot find the glasswing library (looked beside ${kernelPackage}); set GLASSWING_LIBRARY`,
  )
}

function packageName(folder: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { name?: string }).name
  } catch {
    return undefined
  }
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string

/** Installs the run-time half (point 2 above). Returns a function that removes it. */
export function installRuntimeResolution(root: string): () => void {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename }
  const original = loader._resolveFilename
  const fromRoot = Module.createRequire(path.join(root, 'package.json'))
  loader._resolveFilename = function (request, parent, isMain, options) {
    if (request === NAME) return original.call(this, root, parent, isMain, options)
    if (request.startsWith(`${NAME}/`)) {
      return original.call(this, path.join(root, request.slice(NAME.length + 1)), parent, isMain, options)
    }
    try {
      return original.call(this, request, parent, isMain, options)
    } catch (error) {
      if (!isBareSpecifier(request)) throw error
      try {
        return fromRoot.resolve(request)
      } catch {
        throw error
      }
    }
  }
  return () => {
    loader._resolveFilename = original
  }
}

function isBareSpecifier(request: string): boolean {
  return !request.startsWith('.') && !path.isAbsolute(request) && !request.startsWith('node:')
}

/** The parts of the TypeScript `sys` object that module resolution reads. */
export interface CompilerFileSystem {
  fileExists(file: string): boolean
  directoryExists(folder: string): boolean
  readFile(file: string, encoding?: string): string | undefined
  realpath?(file: string): string
  getDirectories(folder: string): string[]
  watchFile?(file: string, ...rest: unknown[]): { close(): void }
  watchDirectory?(folder: string, ...rest: unknown[]): { close(): void }
}

/**
 * Installs the type-checking half (point 3 above) on the compiler's `sys`; returns a function that
 * removes it.
 */
export function installTypeResolution(sys: CompilerFileSystem, cwd: string, root: string): () => void {
  const modules = path.join(cwd, 'node_modules') + path.sep
  const rootModules = path.join(root, 'node_modules') + path.sep
  const original = {
    fileExists: sys.fileExists,
    directoryExists: sys.directoryExists,
    readFile: sys.readFile,
    realpath: sys.realpath,
    getDirectories: sys.getDirectories,
    watchFile: sys.watchFile,
    watchDirectory: sys.watchDirectory,
  }
  const forward = (file: string, probe: (p: string) => boolean): string => {
    const normal = path.normalize(file)
    if (!normal.startsWith(modules)) return file
    const inside = normal.slice(modules.length)
    if (inside === NAME || inside.startsWith(NAME + path.sep))
      return path.join(root, inside.slice(NAME.length))
    if (probe.call(sys, file)) return file
    return path.join(rootModules, inside)
  }
  sys.fileExists = (file) => original.fileExists.call(sys, forward(file, original.fileExists))
  sys.directoryExists = (folder) =>
    original.directoryExists.call(sys, forward(folder, original.directoryExists))
  sys.readFile = (file, encoding) => original.readFile.call(sys, forward(file, original.fileExists), encoding)
  sys.getDirectories = (folder) =>
    original.getDirectories.call(sys, forward(folder, original.directoryExists))
  // Installed packages and the library's build are not watched: the running code would not change with
  // them anyway (modules are cached), TypeScript polls every watched file, and a change seen in the
  // middle of a conversion crashes tslab's converter ("Unexpected pending rebuildTimer"). A cell's own
  // local .ts files are still watched, so editing them takes effect.
  const unwatched = (file: string): boolean =>
    file.split(/[\\/]/).includes('node_modules') || path.normalize(file).startsWith(root + path.sep)
  const idle = { close: () => undefined }
  for (const method of ['watchFile', 'watchDirectory'] as const) {
    const watch = sys[method]
    if (!watch) continue
    sys[method] = (file: string, ...rest: unknown[]) =>
      unwatched(file) ? idle : watch.call(sys, file, ...rest)
  }
  if (original.realpath) {
    const realpath = original.realpath
    sys.realpath = (file) => realpath.call(sys, forward(file, original.fileExists))
  }
  return () => Object.assign(sys, original)
}

/** Whether the library has been built (its type declarations exist). */
export function libraryBuilt(root: string): boolean {
  return existsSync(path.join(root, 'dist', 'index.d.ts'))
}
