/**
 * Feature attributions for tabular and text models, shown in the features view: `featureView` for
 * tables (with the raw values and the one-hot groups a dataset knows), `tokenAttribution` for text.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { describeValue, GlasswingError } from '../../errors'
import type { Attribution, Comparison } from '../attribution'
import { attributionBundle } from '../display'
import { tabularComparisonBundle } from './compare'
import { isTabular, tabularFeaturesBundle, type TabularViewOptions } from './tabular'

/**
 * A tabular attribution (or a `gw.compare` of several methods on a table) shown with what its table
 * knows: feature names, the one-hot groups, and the raw values as the labels. (A tabular attribution
 * already displays as this view on its own, with the encoded values as labels.)
 *
 * @example
 * const shap = await gw.explain(model, test.features.slice([0], [50]), { method: 'kernel-shap', ...byAttribute })
 * gw.featureView(shap, { rows: test.table.rows.slice(0, 50), outputName: 'P(bad)' })
 * const c = await gw.compare(model, x, ['saliency', 'integrated-gradients'], { target: 'bad' })
 * gw.featureView(c, { groups: test.encoding.attributeOfColumn, featureNames: test.table.columns, rows })
 */
export function featureView(result: Attribution | Comparison, options: TabularViewOptions = {}): Displayable {
  const items = 'attributions' in result ? result.attributions.map((a) => a.data) : [result.data]
  const first = items[0]
  const notTabular = items.find((item) => !isTabular(item))
  if (!first || notTabular) {
    throw new GlasswingError({
      where: 'gw.featureView',
      argument: 'attribution',
      expected: 'an attribution (or a comparison) over a table, inputs [n, columns]',
      received: notTabular
        ? `inputs [${notTabular.inputShape.join(', ')}], values [${notTabular.shape.join(', ')}]`
        : 'a comparison of no methods',
      hint: 'Images display as saliency maps by themselves; for text use gw.tokenAttribution.',
    })
  }
  const rows = options.rows
  if (rows !== undefined && (!Array.isArray(rows) || rows.length < first.inputShape[0]!)) {
    throw new GlasswingError({
      where: 'gw.featureView',
      argument: 'options.rows',
      expected: `${first.inputShape[0]} rows of raw values, one per explained example`,
      received: describeValue(rows),
      hint: 'Slice the table like the features: test.table.rows.slice(0, n).',
    })
  }
  const text = attributionBundle(items, { textOnly: true })['text/plain']
  const bundle = (): MimeBundle =>
    items.length === 1
      ? tabularFeaturesBundle(first, text, options)
      : tabularComparisonBundle(items, text, options)
  return { [JUPYTER_DISPLAY]: bundle, toString: () => bundle()['text/plain'] } as Displayable
}

export { tokenAttribution, TokenAttribution, type TokenAttributionOptions } from './tokens'
export { tabularFeaturesPayload, type TabularViewOptions } from './tabular'
export { tabularComparisonPayload } from './compare'
