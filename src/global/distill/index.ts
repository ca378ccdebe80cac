/**
 * gw.distill: a readable surrogate of a model (a CART tree, an ordered rule list, a sparse linear model or
 * a binned GAM), fitted to the model's labels or probabilities on the data and on samples near it, with an
 * honest fidelity report.
 */
import { ensureBackend, explainBackendError } from '../../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { makeProvenance } from '../../display/provenance'
import { MIME_TYPES, type Provenance } from '../../display/schema'
import { surrogatePayload } from './payload'
import { GlasswingError, describeValue } from '../../errors'
import { shuffledIndices } from '../../data/random'
import { throwIfInterrupted } from '../../session/interrupt'
import {
  asModel,
  checkOptions,
  numberOption,
  readTable,
  samplesNear,
  teacherOutputs,
  type ModelLike,
  type TableLike,
} from '../common'
import { textPicture } from '../picture'
import { fitTree, predictTree, type Tree } from './cart'
import {
  agreement,
  fidelityCurve,
  leafFidelity,
  perClassAgreement,
  r2Score,
  type FidelityPoint,
  type LeafFidelity,
} from './fidelity'
import { fitGam, predictGam, shapeRanges, type BinnedGam } from './gam'
import { fitLasso, predictLinear, type LinearModel } from './linear'
import {
  fitRuleList,
  predictRuleList,
  ruleFidelity,
  ruleListText,
  truncateRuleList,
  type ListRule,
  type RuleFidelity,
} from './rule-list'
import { rulesText, treeRules, type Rule } from './rules'

const WHERE = 'gw.distill'

/** The kinds of surrogate gw.distill fits. */
export type Surrogate = 'tree' | 'rules' | 'linear' | 'gam'

/** Options of {@link distill}. */
export interface DistillOptions {
  /**
   * 'tree' (CART, default), 'rules' (an ordered if-then-else rule list of the model's labels), 'linear'
   * (the lasso on each output) or 'gam' (binned shape functions by cyclic boosting).
   */
  surrogate?: Surrogate
  /** Depth of the chosen tree (default 3); the curve goes from 1 to `maxDepth` + 3. */
  maxDepth?: number
  /** Least rows in a leaf (default 1, as scikit-learn). */
  minSamplesLeaf?: number
  /** Rule lists: rules before the default (default 8), conditions per rule (default 2), cost of a condition as a share of the rows (default 0.002). */
  maxRules?: number
  maxConditions?: number
  ruleCost?: number
  /** GAM and rule lists: quantile bins per feature (default 16); GAM: boosting rounds over all features (default 30). */
  bins?: number
  rounds?: number
  /** Lasso penalty (default 0.01). */
  alpha?: number
  /** What the tree is fitted to: 'labels' (a classifier, default) or 'probabilities' (a regressor). */
  fitTo?: 'labels' | 'probabilities'
  /** Share of the rows held out to measure fidelity on rows the surrogate did not see (default 0.25). */
  heldOut?: number
  /** Noisy copies near the data added to the training rows (default 0); noise `nearScale` deviations. */
  samplesNear?: number
  nearScale?: number
  /** Importance of each feature from an attribution method, one per feature (mean |attribution|), to rank-compare. */
  attributionImportance?: readonly number[]
  seed?: number
}

/** The fidelity report of a surrogate. */
export interface FidelityReport {
  /** Label agreement with the model on the training rows and on the held-out rows. */
  agreement: number
  heldOutAgreement: number | null
  /** R^2 of the surrogate's probabilities (linear; probability trees) against the model's. */
  r2: number | null
  heldOutR2: number | null
  /** Per model class: the share of its rows the surrogate labels the same (held out where there are). */
  perClass: Record<string, number>
  /** Per leaf: coverage and precision on the held-out rows (trees). */
  leaves: LeafFidelity[]
  /** Per rule of a rule list, in order (the default last): coverage and precision on the held-out rows. */
  rules: RuleFidelity[]
  /** Spearman correlation between the surrogate's feature importance and the attribution importance given. */
  importanceRankAgreement: number | null
}

/** A fitted surrogate and its fidelity. Displays its rules, the fidelity curve and the report. */
export class Distillation implements Displayable {
  constructor(
    readonly surrogate: Surrogate,
    readonly featureNames: string[],
    readonly classNames: string[],
    readonly tree: Tree | null,
    readonly linear: LinearModel[] | null,
    readonly fidelity: FidelityReport,
    readonly curve: FidelityPoint[],
    /** Per feature, summing to 1: the tree's impurity importance or the linear weights' share. */
    readonly importance: number[],
    readonly provenance: Provenance,
    /** Per class, the binned GAM's intercept and shape functions (surrogate 'gam'). */
    readonly gam: BinnedGam[] | null = null,
    /** The ordered rules, the default last (surrogate 'rules'). */
    readonly ruleList: ListRule[] | null = null,
  ) {}

  /** The tree's rules, one per leaf (empty for other surrogates; a rule list is `ruleList`). */
  rules(): Rule[] {
    return this.tree ? treeRules(this.tree, this.featureNames, this.classNames) : []
  }

  /** The rules as `if ... then ...` lines, or the linear model's equation per class. */
  toText(): string {
    if (this.tree) return rulesText(this.rules(), this.tree.kind)
    if (this.ruleList) return ruleListText(this.ruleList)
    if (this.gam) return gamText(this.gam, this.featureNames, this.classNames)
    return this.linear!.map((m, c) => {
      const terms = m.weights
        .map((w, j) => [w, this.featureNames[j]] as const)
        .filter(([w]) => w !== 0)
        .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
        .map(([w, name]) => `${w >= 0 ? '+' : '-'} ${Math.abs(w).toPrecision(3)} * ${name}`)
      return `p(${this.classNames[c]}) = ${m.intercept.toPrecision(4)} ${terms.join(' ')}`
    }).join('\n')
  }

  /** Rules (or weights), report and curve as plain JSON. */
  toJSON(): Record<string, unknown> {
    return {
      surrogate: this.surrogate,
      rules: this.tree ? this.rules() : undefined,
      ruleList: this.ruleList ?? undefined,
      linear: this.linear ?? undefined,
      gam: this.gam ?? undefined,
      featureNames: this.featureNames,
      classNames: this.classNames,
      fidelity: this.fidelity,
      curve: this.curve,
      importance: this.importance,
      provenance: this.provenance,
    }
  }

  /** The fidelity-versus-depth curve as rows [depth, leaves, agreement, heldOutAgreement, r2, heldOutR2]. */
  toArray(): number[][] {
    return this.curve.map((p) => [
      p.depth,
      p.leaves,
      p.agreement,
      p.heldOutAgreement ?? NaN,
      p.r2,
      p.heldOutR2 ?? NaN,
    ])
  }

  toCSV(): string {
    return [
      'depth,leaves,agreement,heldOutAgreement,r2,heldOutR2',
      ...this.toArray().map((r) => r.join(',')),
    ].join('\n')
  }

  toString(): string {
    const f = this.fidelity
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`)
    const lines = [
      `Distillation (${this.surrogate}${this.tree ? `, depth ${this.provenance.parameters.maxDepth}, ${this.tree.nodes.filter((n) => n.feature < 0).length} leaves` : ''}${this.ruleList ? `, ${this.ruleList.length - 1} rule${this.ruleList.length === 2 ? '' : 's'} and a default` : ''}): agreement ${pct(f.agreement)}, held out ${pct(f.heldOutAgreement)}` +
        (f.r2 !== null ? `, R^2 ${f.r2.toFixed(3)}` : '') +
        (f.importanceRankAgreement !== null
          ? `, importance rank agreement ${f.importanceRankAgreement.toFixed(2)}`
          : ''),
      ...this.toText().split('\n'),
    ]
    if (this.curve.length) {
      const rules = this.surrogate === 'rules'
      lines.push(`fidelity by ${rules ? 'rules' : 'depth'} (agreement / held out):`)
      for (const p of this.curve)
        lines.push(
          rules
            ? `  ${p.depth} rules: ${pct(p.agreement)} / ${pct(p.heldOutAgreement)}`
            : `  depth ${p.depth}: ${pct(p.agreement)} / ${pct(p.heldOutAgreement)} (${p.leaves} leaves)`,
        )
    }
    return lines.join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const text = this.toString()
    const payload = surrogatePayload({
      surrogate: this.surrogate,
      featureNames: this.featureNames,
      classNames: this.classNames,
      tree: this.tree,
      ruleList: this.ruleList,
      gam: this.gam,
      curve: this.curve,
      chosenDepth: this.tree
        ? (this.provenance.parameters.maxDepth as number)
        : this.ruleList
          ? this.ruleList.length - 1
          : null,
      fidelity: this.fidelity,
      text: this.toText(),
      provenance: this.provenance,
    })
    return { [MIME_TYPES.surrogate]: payload, 'text/plain': text, 'image/png': textPicture(text.split('\n')) }
  }
}

/**
 * Distils a model into a readable surrogate and reports how faithful it is.
 *
 * @example
 * const credit = await gw.datasets.creditG({ split: 'train' })
 * const tree = await gw.distill(model, credit, { maxDepth: 3 })
 * tree.fidelity.heldOutAgreement   // 0.8...
 * tree.toText()                    // 'if checking_status=no checking <= 0.5 and ... then good (0.83 of 120)'
 */
export async function distill(
  model: ModelLike,
  data: TableLike,
  options: DistillOptions = {},
): Promise<Distillation> {
  await ensureBackend()
  try {
    checkOptions(options, WHERE)
    const glasswing = await asModel(model, WHERE)
    const table = readTable(data, WHERE, 'data')
    const surrogate = options.surrogate ?? 'tree'
    if (surrogate !== 'tree' && surrogate !== 'rules' && surrogate !== 'linear' && surrogate !== 'gam')
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.surrogate',
        expected: "'tree', 'rules', 'linear' or 'gam'",
        received: describeValue(surrogate),
        hint: "Leave it out for 'tree'.",
      })
    const fitTo = options.fitTo ?? 'labels'
    if (fitTo !== 'labels' && fitTo !== 'probabilities')
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.fitTo',
        expected: "'labels' or 'probabilities'",
        received: describeValue(fitTo),
        hint: "Leave it out for 'labels'.",
      })
    const maxDepth = numberOption(
      options.maxDepth,
      3,
      WHERE,
      'options.maxDepth',
      (v) => Number.isInteger(v) && v >= 1 && v <= 20,
      'an integer from 1 to 20',
    )
    const minSamplesLeaf = numberOption(
      options.minSamplesLeaf,
      1,
      WHERE,
      'options.minSamplesLeaf',
      (v) => Number.isInteger(v) && v >= 1,
      'a positive integer',
    )
    const alpha = numberOption(options.alpha, 0.01, WHERE, 'options.alpha', (v) => v >= 0, 'a number >= 0')
    const bins = numberOption(
      options.bins,
      16,
      WHERE,
      'options.bins',
      (v) => Number.isInteger(v) && v >= 2 && v <= 256,
      'an integer from 2 to 256',
    )
    const rounds = numberOption(
      options.rounds,
      30,
      WHERE,
      'options.rounds',
      (v) => Number.isInteger(v) && v >= 1,
      'a positive integer',
    )
    const maxRules = numberOption(
      options.maxRules,
      8,
      WHERE,
      'options.maxRules',
      (v) => Number.isInteger(v) && v >= 1 && v <= 100,
      'an integer from 1 to 100',
    )
    const maxConditions = numberOption(
      options.maxConditions,
      2,
      WHERE,
      'options.maxConditions',
      (v) => Number.isInteger(v) && v >= 1 && v <= 5,
      'an integer from 1 to 5',
    )
    const ruleCost = numberOption(
      options.ruleCost,
      0.002,
      WHERE,
      'options.ruleCost',
      (v) => v >= 0 && v < 1,
      'a share in [0, 1)',
    )
    const heldOutShare = numberOption(
      options.heldOut,
      0.25,
      WHERE,
      'options.heldOut',
      (v) => v >= 0 && v < 1,
      'a share in [0, 1)',
    )
    const near = numberOption(
      options.samplesNear,
      0,
      WHERE,
      'options.samplesNear',
      (v) => Number.isInteger(v) && v >= 0,
      'a whole number >= 0',
    )
    const nearScale = numberOption(
      options.nearScale,
      0.1,
      WHERE,
      'options.nearScale',
      (v) => v > 0,
      'a number > 0',
    )
    const seed = numberOption(options.seed, 0, WHERE, 'options.seed', Number.isInteger, 'an integer')
    const importanceGiven = options.attributionImportance
    if (
      importanceGiven !== undefined &&
      (!Array.isArray(importanceGiven) || importanceGiven.length !== table.featureNames.length)
    )
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.attributionImportance',
        expected: `one number per feature (${table.featureNames.length})`,
        received: describeValue(importanceGiven),
        hint: 'Average |attribution| over rows, e.g. from gw.explain(model, rows, { method: "integrated-gradients" }).',
      })

    const order = shuffledIndices(table.rows.length, seed)
    const heldOutCount = Math.floor(table.rows.length * heldOutShare)
    const heldRows = Array.from(order.subarray(0, heldOutCount), (i) => table.rows[i]!)
    let trainRows = Array.from(order.subarray(heldOutCount), (i) => table.rows[i]!)
    if (trainRows.length < 2)
      throw new GlasswingError({
        where: WHERE,
        argument: 'data',
        expected: 'at least 2 rows to fit on after the held-out share',
        received: `${table.rows.length} rows`,
        hint: 'Pass more rows or a smaller options.heldOut.',
      })
    if (near > 0) trainRows = trainRows.concat(samplesNear(trainRows, near, nearScale, seed + 1))
    const train = { x: trainRows, ...teacherOutputs(glasswing, trainRows, WHERE) }
    const held = heldRows.length ? { x: heldRows, ...teacherOutputs(glasswing, heldRows, WHERE) } : null
    const classCount = train.probabilities[0]!.length
    const classNames = (glasswing.classNames ?? table.classNames ?? []).slice(0, classCount)
    while (classNames.length < classCount) classNames.push(`class ${classNames.length}`)

    let tree: Tree | null = null
    let linear: LinearModel[] | null = null
    let gam: BinnedGam[] | null = null
    let ruleList: ListRule[] | null = null
    let curve: FidelityPoint[] = []
    let predict: (x: Float64Array[]) => { classes: Int32Array; values: Float64Array[] }
    let importance: number[]
    if (surrogate === 'tree') {
      const limits = { maxDepth, minSamplesLeaf }
      tree =
        fitTo === 'labels'
          ? fitTree(train.x, { classes: train.classes, classCount }, limits)
          : fitTree(train.x, { values: train.probabilities }, limits)
      const fitted = tree
      predict = (x) => predictTree(fitted, x)
      importance = tree.importance
      const depths = Array.from({ length: maxDepth + 3 }, (_, i) => i + 1)
      curve = fidelityCurve(train, held, depths, {
        minSamplesLeaf,
        onDepth: (depth) =>
          throwIfInterrupted(WHERE, { done: depth - 1, total: depths.length, unit: 'depths' }),
      })
    } else if (surrogate === 'rules') {
      const list = fitRuleList(train.x, train.classes, classCount, table.featureNames, classNames, {
        maxRules,
        maxConditions,
        bins,
        cost: ruleCost,
        minSamples: minSamplesLeaf,
        onRule: (rule) => throwIfInterrupted(WHERE, { done: rule, total: maxRules, unit: 'rules' }),
      })
      ruleList = list
      predict = (x) => predictRuleList(list, x)
      importance = ruleImportance(list, table.featureNames.length)
      curve = Array.from({ length: list.length }, (_, length) => {
        const cut = truncateRuleList(list, length, train, classCount, classNames)
        const onTrain = predictRuleList(cut, train.x)
        const onHeld = held ? predictRuleList(cut, held.x) : null
        return {
          depth: length,
          leaves: length + 1,
          agreement: agreement(onTrain.classes, train.classes),
          r2: r2Score(train.probabilities, onTrain.values),
          heldOutAgreement: held ? agreement(onHeld!.classes, held.classes) : null,
          heldOutR2: held ? r2Score(held.probabilities, onHeld!.values) : null,
        }
      })
    } else if (surrogate === 'gam') {
      const models = Array.from({ length: classCount }, (_, c) =>
        fitGam(
          train.x,
          Float64Array.from(train.probabilities, (p) => p[c]!),
          { bins, rounds, learningRate: 0.5, onRound: () => throwIfInterrupted(WHERE) },
        ),
      )
      gam = models
      predict = (x) => {
        const outputs = models.map((m) => predictGam(m, x))
        const values = x.map((_, i) => Float64Array.from(outputs, (o) => o[i]!))
        const classes = Int32Array.from(values, (v) => v.indexOf(Math.max(...v)))
        return { classes, values }
      }
      const total = new Array<number>(table.featureNames.length).fill(0)
      for (const m of models) shapeRanges(m).forEach((r, j) => (total[j]! += r))
      const sum = total.reduce((a, b) => a + b, 0)
      importance = total.map((v) => (sum > 0 ? v / sum : 0))
    } else {
      linear = Array.from({ length: classCount }, (_, c) =>
        fitLasso(
          train.x,
          Float64Array.from(train.probabilities, (p) => p[c]!),
          { alpha },
        ),
      )
      const models = linear
      predict = (x) => {
        const outputs = models.map((m) => predictLinear(m, x))
        const values = x.map((_, i) => Float64Array.from(outputs, (o) => o[i]!))
        const classes = Int32Array.from(values, (v) => v.indexOf(Math.max(...v)))
        return { classes, values }
      }
      const total = new Array<number>(table.featureNames.length).fill(0)
      const deviation = table.featureNames.map((_, j) => {
        const m = train.x.reduce((s, r) => s + r[j]!, 0) / train.x.length
        return Math.sqrt(train.x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / train.x.length)
      })
      for (const m of models) m.weights.forEach((w, j) => (total[j]! += Math.abs(w) * deviation[j]!))
      const sum = total.reduce((a, b) => a + b, 0)
      importance = total.map((v) => (sum > 0 ? v / sum : 0))
    }
    const onTrain = predict(train.x)
    const onHeld = held ? predict(held.x) : null
    const probabilityOutputs = surrogate !== 'tree' || fitTo === 'probabilities'
    const reference = held ?? train
    const perClassValues = perClassAgreement(reference.classes, (onHeld ?? onTrain).classes, classCount)
    const fidelity: FidelityReport = {
      agreement: agreement(onTrain.classes, train.classes),
      heldOutAgreement: held ? agreement(onHeld!.classes, held.classes) : null,
      r2: probabilityOutputs ? r2Score(train.probabilities, onTrain.values) : null,
      heldOutR2: probabilityOutputs && held ? r2Score(held.probabilities, onHeld!.values) : null,
      perClass: Object.fromEntries(classNames.map((name, c) => [name, perClassValues[c]!])),
      leaves: tree && tree.kind === 'classifier' ? leafFidelity(tree, reference) : [],
      rules: ruleList ? ruleFidelity(ruleList, reference) : [],
      importanceRankAgreement: importanceGiven ? spearman(importance, importanceGiven) : null,
    }
    const provenance = makeProvenance({
      method: `distill-${surrogate}`,
      parameters: {
        surrogate,
        fitTo,
        maxDepth,
        minSamplesLeaf,
        alpha,
        ...(surrogate === 'rules' ? { maxRules, maxConditions, ruleCost } : {}),
        ...(surrogate === 'rules' || surrogate === 'gam' ? { bins } : {}),
        heldOut: heldOutShare,
        samplesNear: near,
        nearScale,
        rows: table.rows.length,
      },
      seed,
      model: null,
    })
    provenance.modelFingerprint = glasswing.fingerprint
    return new Distillation(
      surrogate,
      table.featureNames,
      classNames,
      tree,
      linear,
      fidelity,
      curve,
      importance,
      provenance,
      gam,
      ruleList,
    )
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

/** A rule list's feature importance: the share of its conditions on each feature, weighted by the rows each rule captures. */
function ruleImportance(rules: readonly ListRule[], features: number): number[] {
  const total = new Array<number>(features).fill(0)
  for (const rule of rules)
    for (const c of rule.conditions) total[c.featureIndex]! += rule.samples / rule.conditions.length
  const sum = total.reduce((a, b) => a + b, 0)
  return total.map((v) => (sum > 0 ? v / sum : 0))
}

/** Spearman's rank correlation (average ranks for ties). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]): number[] => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0])
    const ranks = new Array<number>(v.length)
    for (let i = 0; i < order.length; ) {
      let j = i
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
      for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2
      i = j + 1
    }
    return ranks
  }
  const ra = rank(a)
  const rb = rank(b)
  const mean = (ra.length - 1) / 2
  let num = 0
  let da = 0
  let db = 0
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean)
    da += (ra[i]! - mean) ** 2
    db += (rb[i]! - mean) ** 2
  }
  return num / Math.sqrt(da * db)
}

/** Each class's GAM as its strongest shape functions: `p(good) = 0.7 + f(duration) + ...` and bin values. */
function gamText(models: BinnedGam[], featureNames: string[], classNames: string[]): string {
  const show = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : 'inf')
  return models
    .flatMap((m, c) => {
      const ranges = shapeRanges(m)
      const top = ranges
        .map((r, j) => [r, j] as const)
        .filter(([r]) => r > 0)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 5)
      return [
        `p(${classNames[c]}) = ${show(m.intercept)} + ${top.map(([, j]) => `f(${featureNames[j]})`).join(' + ')}${ranges.filter((r) => r > 0).length > 5 ? ' + ...' : ''}`,
        ...top.map(
          ([, j]) =>
            `  f(${featureNames[j]}): ${m.shapes[j]!.edges.map((e, b) => `<= ${show(e)}: ${show(m.shapes[j]!.values[b]!)}`).join(', ')}`,
        ),
      ]
    })
    .join('\n')
}
