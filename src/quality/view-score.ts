/**
 * A saliency view's "Score" control, kernel side: one `gw.evaluate` metric of the maps a view shows,
 * computed by `gw.evaluate`'s own code on the attribution rows its result holds (see
 * attribution/live-score.ts), so the view's numbers are those `gw.evaluate` gives in a cell.
 */
import { Attribution, type AttributionData } from '../attribution/attribution'
import { provideAttributionScorer, type AttributionScorer } from '../attribution/live-score'
import { GlasswingError, describeValue } from '../errors'
import { evaluateOne } from './evaluate'
import { METRICS, METRIC_NAMES, VIEW_METRICS, type MetricName } from './metrics'

/**
 * Scores every row of `data` with `metric` under gw.evaluate's defaults (preset 'paper', seed 0), as
 * `gw.evaluate(model, attribution, { metrics: [metric] })` does; no progress bar.
 *
 * @example
 * const { scores } = await scoreAttribution(model, attribution.data, 'deletion')   // one AUC per row
 */
export const scoreAttribution: AttributionScorer = async (model, data: AttributionData, metric) => {
  if (!(VIEW_METRICS as readonly string[]).includes(metric))
    throw new GlasswingError({
      where: 'saliency view (score)',
      argument: 'metric',
      expected: `one of ${VIEW_METRICS.join(', ')}`,
      received: describeValue(metric),
      hint: (METRIC_NAMES as readonly string[]).includes(metric)
        ? 'Localisation metrics need a mask: run gw.evaluate(model, result, { metrics, mask }) in a cell.'
        : undefined,
    })
  const name = metric as MetricName
  const evaluation = await evaluateOne(model, new Attribution(data), { metrics: [name] }, { progress: false })
  return {
    metric: name,
    title: METRICS[name].title,
    higherIsBetter: METRICS[name].higherIsBetter,
    scores: evaluation.values(name),
  }
}

// Installed when the library loads, so that every displayed attribution's view can score its maps.
provideAttributionScorer(scoreAttribution)
