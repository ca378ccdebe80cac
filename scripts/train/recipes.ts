/** Every model the project trains: one line per recipe, in the order `npm run train` runs them. */
import type { Recipe } from './common'
import { creditMlp, sentimentBow } from './dense-models'
import { fashionCnn, mnistCnn, mnistCnnSeed2, shortcutMnistCnn } from './image-models'
import { inductionTransformer, sentimentTransformer } from './transformer-models'

export const recipes: Recipe[] = [
  mnistCnn,
  shortcutMnistCnn,
  mnistCnnSeed2,
  fashionCnn,
  creditMlp,
  sentimentBow,
  inductionTransformer,
  sentimentTransformer,
]
