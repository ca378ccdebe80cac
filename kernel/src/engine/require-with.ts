/**
 * Loading one of tslab's internal modules with some of its dependencies answered differently, so that
 * the engine can change how tslab compiles or runs a cell without a fork of tslab.
 */
import Module from 'node:module'

/**
 * Requires `modulePath` afresh, answering its own `require(request)` calls from `replacements`
 * (other modules' requires are untouched).
 *
 * @example
 * const executor = requireWith(require.resolve('tslab/dist/executor'), { vm: cellVm })
 */
export function requireWith<T>(modulePath: string, replacements: Record<string, unknown>): T {
  const loader = Module as unknown as {
    _load: (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown
  }
  const original = loader._load
  loader._load = function (request, parent, isMain) {
    if (parent?.filename === modulePath && Object.hasOwn(replacements, request)) return replacements[request]
    return original.call(this, request, parent, isMain)
  }
  try {
    delete require.cache[modulePath]
    return require(modulePath) as T
  } finally {
    loader._load = original
  }
}
