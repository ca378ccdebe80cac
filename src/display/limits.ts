/**
 * Limits that keep a payload drawable and a notebook saveable, shared by the kernel (before it sends a
 * bundle) and the JupyterLab extension (before it validates one).
 *
 * Dependency-free. The depth check is a loop with its own stack, never a recursion, so that it runs
 * before anything recursive (JSON.stringify, the validators) can overflow the call stack.
 */

/**
 * How deep a MIME bundle may nest. Glasswing's own payloads nest about 6 levels; Jupyter's server
 * parses notebooks with Python's recursive JSON parser, which fails near 1,000 levels, so a deeper
 * output would leave a notebook that cannot be saved.
 */
export const MAX_PAYLOAD_DEPTH = 64

/** The largest width or height a payload may declare for a picture (a browser canvas's own limit is 32,767). */
export const MAX_IMAGE_SIDE = 8192

/** The most pixels a declared picture may have (64 megapixels: 256 MB of RGBA once decoded). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024

/** The most cells a matrix view draws (rows x columns), and the most values behind its cells. */
export const MAX_MATRIX_CELLS = 1_000_000
export const MAX_MATRIX_ITEMS = 16_000_000

/** The largest atlas grid (cells across x down) and the most units a cluster view holds. */
export const MAX_ATLAS_CELLS = 250_000
export const MAX_CLUSTER_UNITS = 2048

/** The most attention weights an attention view holds (layers x heads x cells): 1,024 tokens x 8 x 8 full. */
export const MAX_ATTENTION_VALUES = 64 * 1024 * 1024

/** Where a value nests deeper than allowed: the path to the first too-deep place, as `a.b[3].c`. */
export interface TooDeep {
  depth: number
  path: string
}

/**
 * Finds the first place where `value` nests deeper than `limit` objects or arrays, without recursion.
 * Returns null when it is within the limit. A cycle counts as too deep.
 *
 * @example
 * tooDeep({ a: [[1]] }, 2)   // { depth: 3, path: 'a[0]' }
 * tooDeep({ a: [1] }, 2)     // null
 */
export function tooDeep(value: unknown, limit: number = MAX_PAYLOAD_DEPTH): TooDeep | null {
  // Paths are made only for the answer: each entry keeps its parent and key, not a string.
  interface Entry {
    value: object
    depth: number
    parent: Entry | null
    key: string | number
  }
  const stack: Entry[] = []
  const push = (child: unknown, parent: Entry | null, key: string | number, depth: number): void => {
    // Typed arrays hold numbers only (and would be walked key by key).
    if (typeof child === 'object' && child !== null && !ArrayBuffer.isView(child))
      stack.push({ value: child, depth, parent, key })
  }
  push(value, null, '', 1)
  while (stack.length > 0) {
    const entry = stack.pop()!
    if (entry.depth > limit) return { depth: entry.depth, path: pathOf(entry) }
    if (Array.isArray(entry.value))
      entry.value.forEach((child: unknown, i: number) => push(child, entry, i, entry.depth + 1))
    else
      for (const key of Object.keys(entry.value))
        push((entry.value as Record<string, unknown>)[key], entry, key, entry.depth + 1)
  }
  return null

  function pathOf(entry: Entry): string {
    const parts: string[] = []
    for (let e: Entry | null = entry; e?.parent; e = e.parent)
      parts.push(
        typeof e.key === 'number'
          ? `[${e.key}]`
          : `.${e.key.length > 48 ? `${e.key.slice(0, 45)}...` : e.key}`,
      )
    const path = parts.reverse().join('').replace(/^\./, '')
    return path || '(top)'
  }
}

/**
 * A path shortened for a message: its first and last parts around '...', so that a path 1,000 levels
 * deep stays one line.
 *
 * @example
 * shortPath('a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]', 20)   // 'a[0][0][0]...[0][0]'
 */
export function shortPath(path: string, max = 80): string {
  if (path.length <= max) return path
  const half = Math.floor((max - 3) / 2)
  return `${path.slice(0, half)}...${path.slice(path.length - half)}`
}
