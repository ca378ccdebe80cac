/**
 * Guided Backprop (Springenberg et al. 2015) and Deconvnet (Zeiler & Fergus 2014), Captum's
 * `GuidedBackprop` and `Deconvolution`: the gradient with every ReLU's backward pass overridden.
 * Needs a Layers model (its ReLU layers and relu activations are swapped for this call only).
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionContext, AttributionMethod } from '../types'
import { allRows, deconvRelu, guidedRelu, objectiveGradients } from './gradients'

/** A gradient method whose ReLUs pass gradients back by `relu`'s rule instead of their own. */
function reluRuleMethod(
  name: 'guided-backprop' | 'deconvolution',
  title: string,
  relu: typeof guidedRelu,
): AttributionMethod<Record<never, never>> {
  return {
    name,
    title,
    needsGradients: true,
    stochastic: false,
    signed: () => true,
    resolve: () => ({}),
    attribute(context) {
      requireConvolutionGradients(context)
      const rows = allRows(context.inputs.shape[0]!)
      return { values: objectiveGradients(context, context.inputs, rows, { relu }) }
    },
  }
}

/**
 * Guided Backprop: only positive gradients flow back, and only where the ReLU's input was positive.
 *
 * @example
 * await gw.explain(model, images, { method: 'guided-backprop' })
 */
export const guidedBackprop = reluRuleMethod('guided-backprop', 'Guided Backprop', guidedRelu)

/**
 * Deconvnet: ReLUs pass back the positive part of the gradient, whatever their input was.
 *
 * @example
 * await gw.explain(model, images, { method: 'deconvolution' })
 */
export const deconvolution = reluRuleMethod('deconvolution', 'Deconvnet', deconvRelu)

/**
 * With ReLUs swapped, tfjs runs convolutions unfused, whose backward pass needs Conv2DBackpropFilter.
 * Where the backend lacks it (wasm), fail before computing: a failure inside the backward pass would
 * leave the tensors the custom gradients saved behind. The error is explained by `explainBackendError`.
 */
function requireConvolutionGradients(context: AttributionContext): void {
  const backend = tf.getBackend()
  if (tf.getKernel('Conv2DBackpropFilter', backend)) return
  const model = context.model.tfModel as { layers?: { getClassName(): string }[] }
  if ((model.layers ?? []).some((layer) => layer.getClassName().startsWith('Conv'))) {
    throw new Error(`Kernel 'Conv2DBackpropFilter' not registered for backend '${backend}'`)
  }
}
