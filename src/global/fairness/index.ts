/**
 * gw.fairness: Fairlearn-compatible group metrics of a model's decisions with bootstrap intervals,
 * and the explanation layer: per-group mean attributions, the gap between two groups decomposed into
 * per-feature parts, a test on the attributions' distributions, proxies of the protected attribute,
 * and counterfactual probes that flip it and count changed decisions.
 */
import * as tf from '@tensorflow/tfjs'
import { explain, type MethodName } from '../../attribution'
import { ensureBackend, explainBackendError } from '../../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { makeProvenance } from '../../display/provenance'
import type { Provenance } from '../../display/schema'
import { GlasswingError, describeValue } from '../../errors'
import { throwIfInterrupted } from '../../session/interrupt'
import { asModel, checkOptions, numberOption, readTable, teacherOutputs, type ModelLike } from '../common'
import { matrixBundle, type MatrixSpec } from '../../display/matrix'
import { textPicture } from '../picture'
import { attributionTests, auc, decomposeGap, groupMeans, type GapDecomposition } from './explain'
import { bootstrapIntervals, groupMetrics, groupRows, type GroupMetrics, type SummaryName } from './metrics'

const WHERE = 'gw.fairness'

type Row = (string | number)[]

/** A table from gw.datasets (German credit): encoded features, labels, the raw rows and their encoder. */
export interface FairnessData {
  features: tf.Tensor2D
  labels: tf.Tensor1D
  featureNames: readonly string[]
  classNames?: readonly string[]
  table?: { columns: readonly string[]; rows: readonly Row[] }
  encode?: (rows: Row[]) => tf.Tensor2D
}

/** Options of {@link fairness}. */
export interface FairnessOptions {
  /**
   * The protected attribute: a raw column name of `data.table` (nominal values are the groups;
   * numeric ones are cut at `cut`), or one group name per row.
   */
  sensitive: string | { name: string; values: readonly string[] }
  /** Where a numeric sensitive column is cut into `< cut` and `>= cut`. */
  cut?: number
  /** The favourable decision (class name or index), counted as a selection; default class 0. */
  favorable?: string | number
  /** The attribution method for the explanation layer (default 'integrated-gradients'); false skips it. */
  method?: MethodName | false
  /** Bootstrap resamples for the intervals (default 200; 0 skips them) and their level (default 0.95). */
  resamples?: number
  level?: number
  /**
   * Counterfactual probe: a function from a raw row to the same applicant with the protected
   * attribute (or its proxies) changed; the report counts decisions that change, per group.
   */
  counterfactual?: (row: Row) => Row
  seed?: number
}

/** What the counterfactual probe found. */
export interface CounterfactualResult {
  changed: number
  total: number
  byGroup: Record<string, { changed: number; total: number; toFavorable: number; toUnfavorable: number }>
}

/** A fairness report with explanations; displays as a summary with tables. */
export class FairnessReport implements Displayable {
  constructor(
    readonly sensitiveName: string,
    readonly favorable: string,
    readonly metrics: GroupMetrics,
    readonly intervals: Record<SummaryName, [number, number]> | null,
    readonly featureNames: string[],
    /** features x groups mean attribution toward the favourable class (null when skipped). */
    readonly groupAttributions: number[][] | null,
    readonly gap: GapDecomposition | null,
    readonly attributionTests: { t: number; df: number; p: number; pAdjusted: number }[] | null,
    /** Features ranked by how well each alone tells the groups apart (|AUC - 0.5| * 2). */
    readonly proxies: { feature: string; auc: number; strength: number }[],
    readonly counterfactual: CounterfactualResult | null,
    readonly provenance: Provenance,
  ) {}

  /** Per group: count, selection rate, accuracy, FPR, FNR, TPR. */
  toArray(): number[][] {
    return this.metrics.groups.map((g) => {
      const r = this.metrics.byGroup[g]!
      return [
        r.count,
        r.selectionRate,
        r.accuracy,
        r.falsePositiveRate,
        r.falseNegativeRate,
        r.truePositiveRate,
      ]
    })
  }

  toCSV(): string {
    return [
      'group,count,selectionRate,accuracy,falsePositiveRate,falseNegativeRate,truePositiveRate',
      ...this.toArray().map((r, i) => [JSON.stringify(this.metrics.groups[i]), ...r].join(',')),
    ].join('\n')
  }

  /**
   * Features x groups mean attribution toward the favourable class in the shared matrix view's shape,
   * with a last column for the gap's parts; '*' marks features whose attributions differ between the
   * two groups (Welch, Benjamini-Hochberg 0.05). Null when the explanation layer was skipped.
   */
  toMatrixSpec(): MatrixSpec | null {
    if (!this.groupAttributions) return null
    const gapColumn = this.gap ? [`gap ${this.gap.groups[0]} - ${this.gap.groups[1]}`] : []
    return {
      title: `Mean attribution toward '${this.favorable}' by ${this.sensitiveName}`,
      rowTitle: 'feature',
      columnTitle: 'group',
      valueLabel: `mean attribution to P(${this.favorable})`,
      rows: this.featureNames,
      columns: [...this.metrics.groups, ...gapColumn],
      values: this.groupAttributions.map((row, j) => [
        ...row,
        ...(this.gap ? [this.gap.contributions[j]!] : []),
      ]),
      scale: 'diverging',
      marks: this.groupAttributions.map((row, j) => [
        ...row.map(() => ''),
        ...(this.gap ? [this.attributionTests && this.attributionTests[j]!.pAdjusted < 0.05 ? '*' : ''] : []),
      ]),
      caption: this.gap
        ? `The gap column sums to the gap in mean P(${this.favorable}), ${this.gap.outputGap.toFixed(4)} (residual ${this.gap.residual.toExponential(1)}).`
        : undefined,
    }
  }

  /** The features contributing most to the gap, largest magnitude first. */
  topGapFeatures(count = 5): { feature: string; contribution: number }[] {
    if (!this.gap) return []
    return this.gap.contributions
      .map((contribution, j) => ({ feature: this.featureNames[j]!, contribution }))
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, count)
  }

  toString(): string {
    const m = this.metrics
    const f = (v: number) => v.toFixed(3)
    const ci = (name: SummaryName) =>
      this.intervals ? ` [${f(this.intervals[name][0])}, ${f(this.intervals[name][1])}]` : ''
    const lines = [
      `Fairness by ${this.sensitiveName} (favourable: ${this.favorable}): demographic parity difference ${f(m.demographicParityDifference)}${ci('demographicParityDifference')}, ratio ${f(m.demographicParityRatio)}${ci('demographicParityRatio')}; equalized odds difference ${f(m.equalizedOddsDifference)}${ci('equalizedOddsDifference')}`,
      'group: n, selection rate, accuracy, FPR, FNR',
      ...m.groups.map((g) => {
        const r = m.byGroup[g]!
        return `  ${g}: ${r.count}, ${f(r.selectionRate)}, ${f(r.accuracy)}, ${f(r.falsePositiveRate)}, ${f(r.falseNegativeRate)}`
      }),
    ]
    if (this.gap) {
      lines.push(
        `gap in mean P(${this.favorable}) ${this.gap.groups[0]} - ${this.gap.groups[1]}: ${f(this.gap.outputGap)} = sum of parts (residual ${this.gap.residual.toExponential(1)}); largest parts:`,
      )
      for (const t of this.topGapFeatures())
        lines.push(`  ${t.feature}: ${t.contribution >= 0 ? '+' : ''}${f(t.contribution)}`)
    }
    if (this.proxies.length)
      lines.push(
        `proxies (AUC for ${this.sensitiveName}): ${this.proxies
          .slice(0, 4)
          .map((p) => `${p.feature} ${f(p.auc)}`)
          .join(', ')}`,
      )
    if (this.counterfactual)
      lines.push(
        `counterfactual flip: ${this.counterfactual.changed} of ${this.counterfactual.total} decisions change`,
      )
    return lines.join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const text = this.toString()
    const spec = this.toMatrixSpec()
    if (spec) return matrixBundle({ ...spec, notes: text.split('\n') }, this.provenance, text)
    return { 'text/plain': text, 'image/png': textPicture(text.split('\n'), 150) }
  }
}

/**
 * A fairness report of a model's decisions on a table, with the explanation layer.
 *
 * @example
 * const credit = await gw.datasets.creditG({ split: 'test' })
 * const sex = credit.table.rows.map((r) => (String(r[8]).startsWith('female') ? 'female' : 'male'))
 * const report = await gw.fairness(model, credit, { sensitive: { name: 'sex', values: sex }, favorable: 'good' })
 * report.metrics.demographicParityDifference
 */
export async function fairness(
  model: ModelLike,
  data: FairnessData,
  options: FairnessOptions,
): Promise<FairnessReport> {
  await ensureBackend()
  try {
    checkOptions(options, WHERE)
    const glasswing = await asModel(model, WHERE)
    const table = readTable(data, WHERE, 'data')
    const n = table.rows.length
    const labels = data.labels
    if (!(labels instanceof tf.Tensor) || labels.isDisposed || labels.size !== n)
      throw new GlasswingError({
        where: WHERE,
        argument: 'data.labels',
        expected: `a live tensor of ${n} true labels`,
        received: describeValue(labels),
        hint: 'Pass a table from gw.datasets, or { features, labels, featureNames }.',
      })
    const seed = numberOption(options.seed, 0, WHERE, 'options.seed', Number.isInteger, 'an integer')
    const resamples = numberOption(
      options.resamples,
      200,
      WHERE,
      'options.resamples',
      (v) => Number.isInteger(v) && v >= 0,
      'a whole number',
    )
    const level = numberOption(
      options.level,
      0.95,
      WHERE,
      'options.level',
      (v) => v > 0 && v < 1,
      'a level in (0, 1)',
    )
    const {
      name: sensitiveName,
      values: sensitive,
      columns: sensitiveColumns,
    } = sensitiveGroups(data, options, n)
    const outputs = teacherOutputs(glasswing, table.rows, WHERE)
    const classNames: string[] = [
      ...(glasswing.classNames ??
        data.classNames ??
        Array.from(outputs.probabilities[0]!, (_, i) => `class ${i}`)),
    ]
    const favorableIndex =
      typeof options.favorable === 'string' ? classNames.indexOf(options.favorable) : (options.favorable ?? 0)
    if (
      !Number.isInteger(favorableIndex) ||
      favorableIndex < 0 ||
      favorableIndex >= outputs.probabilities[0]!.length
    )
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.favorable',
        expected: `a class of the model (${classNames.join(', ')})`,
        received: describeValue(options.favorable),
        hint: "For credit: favorable: 'good'.",
      })
    const truth = Array.from(labels.dataSync(), (v) => (v === favorableIndex ? 1 : 0))
    const decisions = Array.from(outputs.classes, (v) => (v === favorableIndex ? 1 : 0))
    const metrics = groupMetrics(truth, decisions, sensitive)
    const intervals =
      resamples > 0
        ? bootstrapIntervals(truth, decisions, sensitive, {
            resamples,
            level,
            seed,
            onResample: () => throwIfInterrupted(WHERE),
          })
        : null

    const rowsOf = groupRows(sensitive)
    const groups = [...rowsOf.keys()]
    let groupAttributions: number[][] | null = null
    let gap: GapDecomposition | null = null
    let tests: FairnessReport['attributionTests'] = null
    const method = options.method ?? 'integrated-gradients'
    if (method !== false) {
      const attribution = await explain(glasswing, data.features, { method, target: favorableIndex } as never)
      const values = attribution.values
      const d = table.featureNames.length
      const attributions = Array.from({ length: n }, (_, i) =>
        Float64Array.from(values.subarray(i * d, (i + 1) * d)),
      )
      groupAttributions = groupMeans(attributions, rowsOf)
      if (groups.length >= 2) {
        // The two groups furthest apart in selection rate.
        const sorted = groups
          .slice()
          .sort((a, b) => metrics.byGroup[b]!.selectionRate - metrics.byGroup[a]!.selectionRate)
        const a = sorted[0]!
        const b = sorted[sorted.length - 1]!
        const probability = outputs.probabilities.map((p) => p[favorableIndex]!)
        gap = decomposeGap(
          probability,
          attributions,
          { name: a, rows: rowsOf.get(a)! },
          { name: b, rows: rowsOf.get(b)! },
        )
        tests = attributionTests(attributions, rowsOf.get(a)!, rowsOf.get(b)!)
      }
    }
    const proxies =
      groups.length === 2
        ? findProxies(table.rows, table.featureNames, sensitive, groups[0]!, sensitiveColumns)
        : []
    const counterfactual = options.counterfactual
      ? probe(glasswing, data, options.counterfactual, outputs.classes, favorableIndex, sensitive)
      : null
    const provenance = makeProvenance({
      method: 'fairness',
      parameters: {
        sensitive: sensitiveName,
        cut: options.cut ?? null,
        favorable: classNames[favorableIndex],
        method,
        resamples,
        level,
        rows: n,
      },
      seed,
      model: null,
    })
    provenance.modelFingerprint = glasswing.fingerprint
    return new FairnessReport(
      sensitiveName,
      classNames[favorableIndex]!,
      metrics,
      intervals,
      table.featureNames,
      groupAttributions,
      gap,
      tests,
      proxies,
      counterfactual,
      provenance,
    )
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

function sensitiveGroups(
  data: FairnessData,
  options: FairnessOptions,
  n: number,
): { name: string; values: string[]; columns: string[] } {
  const given = options.sensitive
  if (typeof given === 'object' && given !== null && Array.isArray(given.values)) {
    if (given.values.length !== n)
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.sensitive.values',
        expected: `one group per row (${n})`,
        received: `${given.values.length} values`,
        hint: 'Give the group of every row, in order.',
      })
    return { name: String(given.name ?? 'group'), values: given.values.map(String), columns: [] }
  }
  const columns = data.table?.columns ?? []
  const index = typeof given === 'string' ? columns.indexOf(given) : -1
  if (index < 0)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.sensitive',
      expected: `a column of data.table (${columns.slice(0, 6).join(', ')}${columns.length > 6 ? ', ...' : ''}) or { name, values }`,
      received: describeValue(given),
      hint: columns.length
        ? 'Name a raw column, or pass { name, values } with one group per row.'
        : 'This data has no raw table: pass { name, values } with one group per row.',
    })
  const raw = data.table!.rows.map((r) => r[index]!)
  const numeric = raw.every((v) => typeof v === 'number')
  if (numeric && options.cut === undefined)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.cut',
      expected: `a number to cut the numeric column '${given}' at`,
      received: 'undefined',
      hint: `For age: { sensitive: 'age', cut: 25 }.`,
    })
  const values = numeric
    ? raw.map((v) =>
        (v as number) < options.cut! ? `${given} < ${options.cut}` : `${given} >= ${options.cut}`,
      )
    : raw.map(String)
  return { name: given as string, values, columns: [given as string] }
}

function findProxies(
  rows: Float64Array[],
  featureNames: string[],
  sensitive: string[],
  first: string,
  exclude: string[],
) {
  const positive = sensitive.map((g) => g === first)
  return featureNames
    .map((feature, j) => ({ feature, j }))
    .filter(({ feature }) => !exclude.some((c) => feature === c || feature.startsWith(`${c}=`)))
    .map(({ feature, j }) => {
      const value = auc(
        Float64Array.from(rows, (r) => r[j]!),
        positive,
      )
      return { feature, auc: value, strength: Math.abs(value - 0.5) * 2 }
    })
    .sort((a, b) => b.strength - a.strength)
}

function probe(
  model: import('../../model/types').GlasswingModel,
  data: FairnessData,
  change: (row: Row) => Row,
  before: Int32Array,
  favorable: number,
  sensitive: string[],
): CounterfactualResult {
  if (!data.table || !data.encode)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.counterfactual',
      expected: 'data with raw rows and an encoder (a table from gw.datasets)',
      received: 'data without table/encode',
      hint: 'Use gw.datasets.creditG(), or leave counterfactual out.',
    })
  const changedRows = data.table.rows.map((r) => change([...r]))
  const encoded = data.encode(changedRows)
  let after: Int32Array
  try {
    const flat = encoded.dataSync()
    const d = encoded.shape[1]
    const rows = Array.from({ length: encoded.shape[0] }, (_, i) =>
      Float64Array.from(flat.subarray(i * d, (i + 1) * d)),
    )
    after = teacherOutputs(model, rows, WHERE).classes
  } finally {
    encoded.dispose()
  }
  const byGroup: CounterfactualResult['byGroup'] = {}
  let changed = 0
  sensitive.forEach((g, i) => {
    const entry = (byGroup[g] ??= { changed: 0, total: 0, toFavorable: 0, toUnfavorable: 0 })
    entry.total++
    if (after[i] !== before[i]) {
      changed++
      entry.changed++
      if (after[i] === favorable) entry.toFavorable++
      else if (before[i] === favorable) entry.toUnfavorable++
    }
  })
  return { changed, total: sensitive.length, byGroup }
}
