// Type test, checked by `npm run lint` (tsc): gw.embedLayers takes each method's own options, as gw.embed
// does (a plain Omit of the options union had dropped them: perplexity did not type-check).
import { embedLayers } from '../../../src'
declare const model: Parameters<typeof embedLayers>[0]
declare const images: Parameters<typeof embedLayers>[1]
void embedLayers(model, images, {
  layers: ['a'],
  method: 'tsne',
  perplexity: 10,
  iterations: 100,
  earlyExaggerationIterations: 50,
  progressEvery: 25,
  pool: 'average',
  seed: 1,
})
void embedLayers(model, images, { layers: ['a'], method: 'pca' })
// @ts-expect-error perplexity is t-SNE's
void embedLayers(model, images, { layers: ['a'], method: 'pca', perplexity: 3 })
