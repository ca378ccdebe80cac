/**
 * `npm run train` trains every model into notebooks/models/<name>/ (model.json, weights.bin, card.json,
 * MODEL_CARD.md); `npm run train -- mnist-cnn credit-mlp` trains the ones named;
 * `npm run train -- --check [names]` retrains in memory and fails when a test accuracy differs from its
 * card by more than 0.5 percentage points.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ensureBackend } from '../../src/backend'
import { modelFolder, saveTrained, type ModelCard } from './common'
import { recipes } from './recipes'

const TOLERANCE = 0.005

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const names = args.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !recipes.some((r) => r.name === n))
  if (unknown.length > 0) {
    console.error(`Unknown model ${unknown.join(', ')}; known: ${recipes.map((r) => r.name).join(', ')}`)
    return 2
  }
  const root = findRoot()
  const info = await ensureBackend()
  console.log(`Training on ${info.backend} (tfjs ${info.tfjsVersion})`)
  let failures = 0
  for (const recipe of recipes.filter((r) => names.length === 0 || names.includes(r.name))) {
    const trained = await recipe.train()
    const { card } = trained
    const line = `${card.name}: test accuracy ${(100 * card.testAccuracy).toFixed(2)} % in ${card.trainingSeconds.toFixed(1)} s`
    if (check) {
      const folder = modelFolder(root, recipe.name)
      const committed = JSON.parse(readFileSync(join(folder, 'card.json'), 'utf8')) as ModelCard
      const difference = Math.abs(committed.testAccuracy - card.testAccuracy)
      const ok = difference <= TOLERANCE
      if (!ok) failures++
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${line}; card says ${(100 * committed.testAccuracy).toFixed(2)} %`)
    } else {
      await saveTrained(modelFolder(root, recipe.name), trained)
      console.log(`${line}; ${JSON.stringify(card.metrics)}`)
    }
    trained.model.dispose()
  }
  return failures > 0 ? 1 : 0
}

function findRoot(): string {
  // Compiled to .build/train/scripts/train/main.js; the checkout is four levels up. From sources, two.
  const fromBuild = resolve(__dirname, '..', '..', '..', '..')
  return __dirname.includes(`${'.build'}`) ? fromBuild : resolve(__dirname, '..', '..')
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
