/**
 * "Score" in a saliency view, the attribution side: the rows a view shows (one method row, each input's
 * class) gathered from what its result holds (the attribution itself, and the maps computed since for
 * other classes), then scored by the quality module's scorer (`gw.evaluate`'s code).
 *
 * The quality module provides the scorer when it loads ({@link provideAttributionScorer}): it imports
 * this folder (gw.evaluate takes attributions and re-explains), so this folder cannot import it.
 */
import type { ScoreAnswer, ScoreRequest, ViewScorer } from '../display/live'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
// Types only: attribution.ts imports live.ts, which imports this module.
import type { AttributionData } from './attribution'

/** Scores every row of `data` with one metric; `scores[r]` is row r's. */
export type AttributionScorer = (
  model: GlasswingModel,
  data: AttributionData,
  metric: string,
) => Promise<Omit<ScoreAnswer, 'scores' | 'mean'> & { scores: number[] }>

const SCORER_KEY = Symbol.for('glasswing.attribution-scorer')

/** Installs the scorer views use (the quality module does, when it loads). */
export function provideAttributionScorer(scorer: AttributionScorer): void {
  ;(globalThis as unknown as Record<symbol, AttributionScorer | undefined>)[SCORER_KEY] = scorer
}

function attributionScorer(): AttributionScorer | undefined {
  return (globalThis as unknown as Record<symbol, AttributionScorer | undefined>)[SCORER_KEY]
}

/** Where a view's maps come from: the result's attributions (grid rows) and their recomputations. */
export interface ShownSources {
  model: GlasswingModel
  /** The result's attribution per grid row. */
  items: readonly AttributionData[]
  /** The attribution of grid row `method` for class `target` of every input (kept or computed). */
  retargeted(method: number, target: number): Promise<AttributionData>
}

const WHERE = 'saliency view (score)'

/**
 * The view scorer of a result: checks the request, gathers the rows shown, scores them, and answers
 * one score per input (null where the view shows no class) and their mean.
 */
export function viewScorer(sources: ShownSources): ViewScorer {
  return async (request) => {
    const scorer = attributionScorer()
    if (!scorer)
      throw new GlasswingError({
        where: WHERE,
        argument: 'metric',
        expected: 'the quality module (gw.evaluate) loaded',
        received: 'none',
        hint: "Import glasswing's public entry (the Glasswing kernel does) to score maps.",
      })
    const { inputs, shown } = await shownRows(sources, request)
    const answer = await scorer(sources.model, shown, request.metric)
    const scores: (number | null)[] = request.targets.map(() => null)
    // Not finite (an all-zero map's Gini, say) travels as null: JSON has no NaN.
    inputs.forEach((input, row) => {
      const value = answer.scores[row]!
      scores[input] = Number.isFinite(value) ? value : null
    })
    const finite = answer.scores.filter(Number.isFinite)
    const mean = finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length
    return { ...answer, scores, mean }
  }
}

/** The attribution of the rows a request names, in input order, and which input each row is. */
async function shownRows(
  sources: ShownSources,
  { method, targets }: Pick<ScoreRequest, 'method' | 'targets'>,
): Promise<{ inputs: number[]; shown: AttributionData }> {
  const base = sources.items[method]
  if (!Number.isInteger(method) || !base)
    throw new GlasswingError({
      where: WHERE,
      argument: 'method',
      expected: `a row of this result's grid, 0..${sources.items.length - 1}`,
      received: describeValue(method),
    })
  const examples = base.inputShape[0]!
  const classes = base.classCount
  const valid = (t: unknown): boolean =>
    t === null || (Number.isInteger(t) && (t as number) >= 0 && (t as number) < classes)
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > examples || !targets.every(valid))
    throw new GlasswingError({
      where: WHERE,
      argument: 'targets',
      expected: `one class index in 0..${classes - 1} (or null) for each of up to ${examples} inputs`,
      received: describeValue(targets),
    })
  const features = base.values.length / base.shape[0]!
  const inputs: number[] = []
  const rows: Float32Array[] = []
  for (const [input, target] of targets.entries()) {
    if (target === null) continue
    const source = rowOf(base, input, target) !== null ? base : await sources.retargeted(method, target)
    const row = rowOf(source, input, target)
    if (row === null)
      throw new GlasswingError({
        where: WHERE,
        argument: 'targets',
        expected: `a class explained for input ${input}`,
        received: String(target),
      })
    inputs.push(input)
    rows.push(source.values.subarray(row * features, (row + 1) * features))
  }
  if (inputs.length === 0)
    throw new GlasswingError({
      where: WHERE,
      argument: 'targets',
      expected: 'at least one input with a class',
      received: describeValue(targets),
    })
  const values = new Float32Array(inputs.length * features)
  rows.forEach((row, i) => values.set(row, i * features))
  const shown: AttributionData = {
    ...base,
    values,
    shape: [inputs.length, ...base.shape.slice(1)],
    exampleOf: inputs,
    targets: inputs.map((input) => targets[input]!),
    delta: null,
    single: false,
  }
  return { inputs, shown }
}

function rowOf(data: AttributionData, input: number, target: number): number | null {
  for (let row = 0; row < data.exampleOf.length; row++)
    if (data.exampleOf[row] === input && data.targets[row] === target) return row
  return null
}
