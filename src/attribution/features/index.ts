/**
 * Feature attributions for tabular and text models, shown in the features view: `featureView` for
 * tables (with the raw values and the one-hot groups a dataset knows), `tokenAttribution` for text.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { describeValue, GlasswingError } from '../../errors'
import type { Attribution } from '../attribution'
import { attributionBundle } from '../display'
import { isTabular, tabularFeaturesBundle, type TabularViewOptions } from './tabular'

/**
 * A tabular attribution shown with what its table knows: feature names, the one-hot groups, and the
 * raw values as the waterfall's labels. (A tabular attribution already displays as this view on its
 * own, with the encoded values as labels.)
 *
 * @example
 * const shap = await gw.explain(model, test.features.slice([0], [50]), { method: 'kernel-shap', ...byAttribute })
 * gw.featureView(shap, { rows: test.table.rows.slice(0, 50), outputName: 'P(bad)' })
 */
export function featureView(attribution: Attribution, options: TabularViewOptions = {}): Displayable {
  if (!isTabular(attribution.data)) {
    throw new GlasswingError({
      where: 'gw.featureView',
      argument: 'attribution',
      expected: 'an attribution over a table, inputs [n, columns]',
      received: `inputs [${attribution.data.inputShape.join(', ')}], values [${attribution.data.shape.join(', ')}]`,
      hint: 'Images display as saliency maps by themselves; for text use gw.tokenAttribution.',
    })
  }
  const rows = options.rows
  if (rows !== undefined && (!Array.isArray(rows) || rows.length < attribution.data.inputShape[0]!)) {
    throw new GlasswingError({
      where: 'gw.featureView',
      argument: 'options.rows',
      expected: `${attribution.data.inputShape[0]} rows of raw values, one per explained example`,
      received: describeValue(rows),
      hint: 'Slice the table like the features: test.table.rows.slice(0, n).',
    })
  }
  const text = attributionBundle([attribution.data], { textOnly: true })['text/plain']
  const bundle = (): MimeBundle => tabularFeaturesBundle(attribution.data, text, options)
  return { [JUPYTER_DISPLAY]: bundle, toString: () => bundle()['text/plain'] } as Displayable
}

export { tokenAttribution, TokenAttribution, type TokenAttributionOptions } from './tokens'
export { tabularFeaturesPayload, type TabularViewOptions } from './tabular'
