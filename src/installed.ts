/**
 * Files that `make setup` generates into the checkout's `.cache` folder rather than git: the converted
 * ImageNet model (`.cache/models/`) and the photos unpacked from registry wheels (`.cache/data/`).
 * The same code runs from src/ (tests) and dist/ (the kernel), so the folder is looked for upwards.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The absolute path of `.cache/<relative>` in the checkout this library runs from, or null. */
export function installedPath(relative: string): string | null {
  const override = process.env.GLASSWING_CACHE
  if (override) {
    const path = join(override, relative)
    return existsSync(path) ? path : null
  }
  for (let dir = __dirname, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    const path = join(dir, '.cache', relative)
    if (existsSync(path)) return path
  }
  return null
}
