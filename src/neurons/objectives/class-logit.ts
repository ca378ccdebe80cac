import type * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'
import { checkUnit, selectBatch, type BatchSelection } from './select'

/**
 * One class of the model's output: its logit, or its probability where the model ends in a softmax.
 *
 * @example
 * gw.objectives.classLogit(7)   // what the model thinks a 7 looks like
 */
export function classLogit(classIndex: number, options: { batch?: BatchSelection } = {}): Objective {
  const batch = options.batch ?? 'all'
  const where = 'gw.objectives.classLogit'
  return new Objective(`class(${classIndex})`, { layers: [], output: true }, (context) => {
    const output = selectBatch(context.output(), batch, where)
    checkUnit(output, 'output', classIndex, where)
    return output.slice([0, classIndex], [output.shape[0]!, 1]).mean() as tf.Scalar
  })
}
