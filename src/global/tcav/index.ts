/**
 * gw.tcav: testing with concept activation vectors (Kim et al. 2018), with the significance test run
 * every time: per concept and layer, CAVs against >= 10 random sets, the sign-count TCAV score and a
 * magnitude score, a two-sided t-test against random-vs-random CAVs, and a correction across
 * concepts x layers. Relative TCAV compares two concepts directly.
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { makeProvenance } from '../../display/provenance'
import type { Provenance } from '../../display/schema'
import { seededRandom, type Random } from '../../data/random'
import { GlasswingError, describeValue } from '../../errors'
import { checkLayerName } from '../../model'
import type { GlasswingModel } from '../../model/types'
import { throwIfInterrupted } from '../../session/interrupt'
import { progress } from '../../session/progress'
import { asModel, checkOptions, numberOption, type ModelLike } from '../common'
import { matrixBundle, type MatrixSpec } from '../../display/matrix'
import { tcavScores, trainCav, type CavClassifier } from './cav'
import { GENERATED_CONCEPTS, generateConcept, type GeneratedConcept } from './concepts'
import { adjustPValues, tTest, type Correction } from './stats'

const WHERE = 'gw.tcav'
/** The fewest examples a concept (or random) set may have: two thirds train the CAV, a third tests it. */
export const MIN_CONCEPT_EXAMPLES = 8
/** Below this held-out accuracy a CAV is close to chance and its scores mean little. */
const CHANCE_WARNING = 0.6

/** Options of {@link tcav}. */
export interface TcavOptions {
  /** Examples of the class under test, batch first. */
  inputs: tf.Tensor
  /** The class whose output the directional derivatives are taken of. */
  target: number
  /** Layer names to test at. */
  layers: string | readonly string[]
  /** Concept name -> its examples, or a generated concept ('stripes', 'dots', 'watermark'). */
  concepts: Readonly<Record<string, tf.Tensor | GeneratedConcept>>
  /** Pool to draw random sets from (and the base images of the watermark concept); default `inputs`. */
  random?: tf.Tensor
  /** Random sets per concept (default 10, at least 2). */
  randomSets?: number
  /** Examples per set in each run (default: the smallest concept's size, at most half the random pool); larger concepts are subsampled per run. */
  setSize?: number
  /** Examples generated per built-in concept (default 30). */
  generatedSize?: number
  /** CAV classifier (default 'logistic'). */
  classifier?: CavClassifier
  /** The t-test (default 'welch'). */
  test?: 'welch' | 'student'
  /** Correction across concepts x layers (default 'benjamini-hochberg'). */
  correction?: Correction
  /** Significance level after correction (default 0.05). */
  alpha?: number
  /** Concept pairs for relative TCAV: CAVs of the first against the second. */
  relative?: readonly (readonly [string, string])[]
  seed?: number
}

/** One concept (or relative pair) at one layer. */
export interface TcavRow {
  concept: string
  layer: string
  /** Sign-count TCAV score per CAV: the share of inputs whose output rises along the CAV. */
  scores: number[]
  /** Magnitude score per CAV: positive directional derivatives' sum over all their absolute values. */
  magnitudes: number[]
  /** The same for the random-vs-random CAVs. */
  randomScores: number[]
  meanScore: number
  meanMagnitude: number
  randomMeanScore: number
  /** Held-out accuracy of the concept CAVs (mean) and their spread. */
  cavAccuracy: number
  cavAccuracySd: number
  t: number
  df: number
  p: number
  pAdjusted: number
  significant: boolean
  warning: string | null
}

/** TCAV results per concept x layer; displays as a concept x layer table with significance marks. */
export class TcavResult implements Displayable {
  constructor(
    readonly rows: TcavRow[],
    readonly concepts: string[],
    readonly layers: string[],
    readonly provenance: Provenance,
  ) {}

  /** The row of a concept at a layer. */
  get(concept: string, layer: string): TcavRow | undefined {
    return this.rows.find((r) => r.concept === concept && r.layer === layer)
  }

  /**
   * Concepts x layers in the shared matrix view's shape: mean TCAV score (0.5 = no preference), '*'
   * where significant after correction, each CAV's score on click.
   */
  toMatrixSpec(): MatrixSpec {
    const p = this.provenance.parameters
    const cavs = Math.max(...this.rows.map((r) => r.scores.length))
    return {
      title: `TCAV scores for class ${p.target}`,
      rowTitle: 'concept',
      columnTitle: 'layer',
      valueLabel: 'mean TCAV score (share of inputs whose output rises along the CAV)',
      rows: this.concepts,
      columns: this.layers,
      values: this.toArray(),
      scale: 'sequential',
      range: [0, 1],
      marks: this.concepts.map((c) => this.layers.map((l) => (this.get(c, l)?.significant ? '*' : ''))),
      perItem: {
        label: 'score per CAV (one per random set)',
        items: Array.from({ length: cavs }, (_, i) => `CAV ${i + 1}`),
        values: this.concepts.map((c) =>
          this.layers.map((l) => {
            const scores = this.get(c, l)?.scores ?? []
            return Array.from({ length: cavs }, (_, k) => scores[k] ?? NaN)
          }),
        ),
      },
      caption: `'*' = significant at ${p.alpha} after ${p.correction} across concepts x layers (${p.test} t-test against random-vs-random CAVs).`,
    }
  }

  /** Mean TCAV score, concepts x layers. */
  toArray(): number[][] {
    return this.concepts.map((c) => this.layers.map((l) => this.get(c, l)?.meanScore ?? NaN))
  }

  toCSV(): string {
    const head =
      'concept,layer,meanScore,meanMagnitude,randomMeanScore,cavAccuracy,t,df,p,pAdjusted,significant'
    return [
      head,
      ...this.rows.map((r) =>
        [
          JSON.stringify(r.concept),
          JSON.stringify(r.layer),
          r.meanScore,
          r.meanMagnitude,
          r.randomMeanScore,
          r.cavAccuracy,
          r.t,
          r.df,
          r.p,
          r.pAdjusted,
          r.significant,
        ].join(','),
      ),
    ].join('\n')
  }

  toString(): string {
    const p = this.provenance.parameters
    const lines = [
      `TCAV (class ${p.target}, ${p.randomSets} random sets, ${p.test} t-test, ${p.correction}, alpha ${p.alpha})`,
    ]
    for (const r of this.rows)
      lines.push(
        `${r.concept} @ ${r.layer}: score ${r.meanScore.toFixed(3)} (random ${r.randomMeanScore.toFixed(3)}), magnitude ${r.meanMagnitude.toFixed(3)}, ` +
          `t ${r.t.toFixed(2)}, df ${r.df.toFixed(1)}, p ${r.p.toExponential(2)}, adjusted ${r.pAdjusted.toExponential(2)} ${r.significant ? '* significant' : 'not significant'}; ` +
          `CAV accuracy ${r.cavAccuracy.toFixed(2)}${r.warning ? ` (${r.warning})` : ''}`,
      )
    return lines.join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const text = this.toString()
    return matrixBundle({ ...this.toMatrixSpec(), notes: text.split('\n') }, this.provenance, text)
  }
}

interface Prepared {
  model: GlasswingModel
  inputs: tf.Tensor
  layers: string[]
  concepts: Map<string, tf.Tensor>
  owned: tf.Tensor[]
  pool: tf.Tensor
}

/**
 * Tests whether a class's output is sensitive to human concepts at the given layers.
 *
 * @example
 * const result = await gw.tcav(model, { inputs: sevens, target: 7, layers: ['conv2d_2', 'dense_1'],
 *   concepts: { watermark: 'watermark', stripes: 'stripes' }, random: digits })
 * result.get('watermark', 'dense_1').significant   // true
 */
export async function tcav(model: ModelLike, options: TcavOptions): Promise<TcavResult> {
  await ensureBackend()
  let prepared: Prepared | null = null
  try {
    checkOptions(options, WHERE)
    const glasswing = await asModel(model, WHERE)
    const randomSets = numberOption(
      options.randomSets,
      10,
      WHERE,
      'options.randomSets',
      (v) => Number.isInteger(v) && v >= 2,
      'an integer >= 2',
    )
    const generatedSize = numberOption(
      options.generatedSize,
      30,
      WHERE,
      'options.generatedSize',
      (v) => Number.isInteger(v) && v >= MIN_CONCEPT_EXAMPLES,
      `an integer >= ${MIN_CONCEPT_EXAMPLES}`,
    )
    const alpha = numberOption(
      options.alpha,
      0.05,
      WHERE,
      'options.alpha',
      (v) => v > 0 && v < 1,
      'a level in (0, 1)',
    )
    const seed = numberOption(options.seed, 0, WHERE, 'options.seed', Number.isInteger, 'an integer')
    const classifier = options.classifier ?? 'logistic'
    if (classifier !== 'logistic' && classifier !== 'mean-difference')
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.classifier',
        expected: "'logistic' or 'mean-difference'",
        received: describeValue(classifier),
        hint: "Leave it out for 'logistic'.",
      })
    const test = options.test ?? 'welch'
    if (test !== 'welch' && test !== 'student')
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.test',
        expected: "'welch' or 'student'",
        received: describeValue(test),
        hint: "Leave it out for 'welch'.",
      })
    const correction = options.correction ?? 'benjamini-hochberg'
    if (!['bonferroni', 'benjamini-hochberg', 'none'].includes(correction))
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.correction',
        expected: "'bonferroni', 'benjamini-hochberg' or 'none'",
        received: describeValue(correction),
        hint: "Leave it out for 'benjamini-hochberg'.",
      })
    prepared = prepare(glasswing, options, generatedSize, seed)
    const conceptSizes = [...prepared.concepts.values()].map((t) => t.shape[0])
    const setSize = numberOption(
      options.setSize,
      Math.min(...conceptSizes, Math.floor(prepared.pool.shape[0] / 2)),
      WHERE,
      'options.setSize',
      (v) => Number.isInteger(v) && v >= MIN_CONCEPT_EXAMPLES,
      `an integer >= ${MIN_CONCEPT_EXAMPLES}`,
    )
    if (prepared.pool.shape[0] < 2 * setSize)
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.random',
        expected: `at least ${2 * setSize} examples (two disjoint random sets of ${setSize} a run)`,
        received: `${prepared.pool.shape[0]}`,
        hint: 'Pass a larger options.random pool or a smaller options.setSize.',
      })
    const relative = (options.relative ?? []).map((pair) => {
      for (const name of pair)
        if (!prepared!.concepts.has(name))
          throw new GlasswingError({
            where: WHERE,
            argument: 'options.relative',
            expected: `concept names from options.concepts (${[...prepared!.concepts.keys()].join(', ')})`,
            received: describeValue(name),
            hint: 'Name two concepts you passed.',
          })
      return [pair[0], pair[1]] as const
    })

    const random = seededRandom(seed)
    const draw2 = (): [number[], number[]] => {
      const both = sample(prepared!.pool.shape[0], 2 * setSize, random)
      return [both.slice(0, setSize), both.slice(setSize)]
    }
    // Each run draws a null concept and its counterpart, disjoint, from the pool; a concept's run
    // draws setSize of its own examples. A concept that is itself a random pool is then exchangeable
    // with the null, so the test holds its nominal level (checked over 20 seeds in the tests).
    const pairs = Array.from({ length: randomSets }, () => draw2())
    const counterparts = pairs.map((p) => p[1])
    const nullConcepts = pairs.map((p) => p[0])
    const rows: Omit<TcavRow, 'pAdjusted' | 'significant'>[] = []
    const conceptNames = [...prepared.concepts.keys()]
    const bar = progress({
      total: prepared.layers.length * (conceptNames.length + relative.length + 1) * randomSets,
      label: 'TCAV',
      unit: 'CAVs',
    })
    for (const layer of prepared.layers) {
      throwIfInterrupted(WHERE)
      // Activations cached per layer: each set is run through the model once, then indexed.
      const pool = flatActivations(glasswing, prepared.pool, layer)
      const conceptActs = new Map(
        [...prepared.concepts].map(([name, t]) => [name, flatActivations(glasswing, t, layer)]),
      )
      const gradients = layerGradients(glasswing, prepared.inputs, layer, options.target)
      const run = (
        concept: (i: number) => Float64Array[],
        against: (i: number) => Float64Array[],
      ): { scores: number[]; magnitudes: number[]; accuracies: number[] } => {
        const out = { scores: [] as number[], magnitudes: [] as number[], accuracies: [] as number[] }
        for (let i = 0; i < randomSets; i++) {
          bar.tick()
          const cav = trainCav(concept(i), against(i), classifier, random)
          const s = tcavScores(gradients, cav.direction)
          out.scores.push(s.score)
          out.magnitudes.push(s.magnitude)
          out.accuracies.push(cav.accuracy)
        }
        return out
      }
      const randomSet = (indices: number[]) => indices.map((i) => pool[i]!)
      const baseline = run(
        (i) => randomSet(nullConcepts[i]!),
        (i) => randomSet(counterparts[i]!),
      )
      const add = (name: string, result: ReturnType<typeof run>): void => {
        rows.push(summarise(name, layer, result, baseline.scores, test))
      }
      for (const name of conceptNames) {
        const acts = conceptActs.get(name)!
        add(
          name,
          run(
            () => subsample(acts, setSize, random),
            (i) => randomSet(counterparts[i]!),
          ),
        )
      }
      for (const [a, b] of relative) {
        const actsA = conceptActs.get(a)!
        const actsB = conceptActs.get(b)!
        // Relative TCAV: CAVs of a against b, each on a random half of both (a bootstrap of the pair).
        add(
          `${a} vs ${b}`,
          run(
            () => half(actsA, random),
            () => half(actsB, random),
          ),
        )
      }
    }
    bar.finish()
    const adjusted = adjustPValues(
      rows.map((r) => r.p),
      correction,
    )
    const full: TcavRow[] = rows.map((r, i) => ({
      ...r,
      pAdjusted: adjusted[i]!,
      significant: adjusted[i]! < alpha,
    }))
    const provenance = makeProvenance({
      method: 'tcav',
      parameters: {
        target: options.target,
        layers: prepared.layers,
        concepts: conceptNames,
        relative,
        randomSets,
        setSize,
        generatedSize,
        classifier,
        test,
        correction,
        alpha,
      },
      seed,
      model: null,
    })
    provenance.modelFingerprint = glasswing.fingerprint
    return new TcavResult(
      full,
      [...conceptNames, ...relative.map(([a, b]) => `${a} vs ${b}`)],
      prepared.layers,
      provenance,
    )
  } catch (error) {
    throw explainBackendError(error, WHERE)
  } finally {
    for (const t of prepared?.owned ?? []) t.dispose()
  }
}

function summarise(
  concept: string,
  layer: string,
  result: { scores: number[]; magnitudes: number[]; accuracies: number[] },
  randomScores: number[],
  test: 'welch' | 'student',
): Omit<TcavRow, 'pAdjusted' | 'significant'> {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
  const accuracy = mean(result.accuracies)
  const sd = Math.sqrt(
    result.accuracies.reduce((s, v) => s + (v - accuracy) ** 2, 0) /
      Math.max(1, result.accuracies.length - 1),
  )
  const t = tTest(result.scores, randomScores, test)
  return {
    concept,
    layer,
    scores: result.scores,
    magnitudes: result.magnitudes,
    randomScores,
    meanScore: mean(result.scores),
    meanMagnitude: mean(result.magnitudes),
    randomMeanScore: mean(randomScores),
    cavAccuracy: accuracy,
    cavAccuracySd: sd,
    t: t.t,
    df: t.df,
    p: Number.isNaN(t.p) ? 1 : t.p,
    warning:
      accuracy < CHANCE_WARNING
        ? `CAV held-out accuracy ${accuracy.toFixed(2)} is near chance: the layer hardly separates this concept from random examples, so its scores mean little`
        : null,
  }
}

function sample(n: number, k: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order.slice(0, k)
}

function subsample(rows: Float64Array[], size: number, random: Random): Float64Array[] {
  return rows.length <= size ? rows : sample(rows.length, size, random).map((i) => rows[i]!)
}

function half(rows: Float64Array[], random: Random): Float64Array[] {
  return sample(rows.length, Math.max(MIN_CONCEPT_EXAMPLES / 2, Math.ceil(rows.length / 2)), random).map(
    (i) => rows[i]!,
  )
}

function prepare(model: GlasswingModel, options: TcavOptions, generatedSize: number, seed: number): Prepared {
  const inputs = options.inputs
  const inputShape = model.inputShape.slice(1)
  const checkExamples = (t: unknown, argument: string, minimum: number): tf.Tensor => {
    if (
      !(t instanceof tf.Tensor) ||
      t.isDisposed ||
      t.dtype === 'string' ||
      t.rank !== inputShape.length + 1 ||
      t.shape.slice(1).some((s: number, i: number) => inputShape[i] !== null && inputShape[i] !== s)
    )
      throw new GlasswingError({
        where: WHERE,
        argument,
        expected: `a live tensor of examples shaped [n, ${inputShape.join(', ')}]`,
        received: describeValue(t),
        hint: 'Pass examples the model takes, batch first.',
      })
    if (t.shape[0] < minimum)
      throw new GlasswingError({
        where: WHERE,
        argument,
        expected: `at least ${minimum} examples`,
        received: `${t.shape[0]}`,
        hint: `A CAV trains on two thirds of a set and is tested on the rest; pass ${minimum} or more examples.`,
      })
    return t
  }
  checkExamples(inputs, 'options.inputs', 1)
  if (
    !Number.isInteger(options.target) ||
    options.target < 0 ||
    options.target >= (model.outputShape.at(-1) ?? 0)
  )
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.target',
      expected: `a class index from 0 to ${(model.outputShape.at(-1) ?? 1) - 1}`,
      received: describeValue(options.target),
      hint: 'Name the class the inputs belong to.',
    })
  const layers =
    typeof options.layers === 'string'
      ? [options.layers]
      : Array.isArray(options.layers)
        ? [...options.layers]
        : null
  if (!layers || layers.length === 0)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.layers',
      expected: 'a layer name or a non-empty list of them',
      received: describeValue(options.layers),
      hint: `Layers of this model: ${model.layerNames.slice(0, 8).join(', ')}.`,
    })
  for (const layer of layers) checkLayerName(layer, model.layerNames, WHERE, 'options.layers')
  const pool =
    options.random === undefined
      ? inputs
      : checkExamples(options.random, 'options.random', MIN_CONCEPT_EXAMPLES)
  if (
    typeof options.concepts !== 'object' ||
    options.concepts === null ||
    Object.keys(options.concepts).length === 0
  )
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.concepts',
      expected: 'an object of concept name -> examples (or a generated concept)',
      received: describeValue(options.concepts),
      hint: "For example { watermark: 'watermark', mine: myExamples }.",
    })
  const owned: tf.Tensor[] = []
  const concepts = new Map<string, tf.Tensor>()
  let k = 0
  for (const [name, value] of Object.entries(options.concepts)) {
    k++
    if (typeof value === 'string') {
      if (!GENERATED_CONCEPTS.includes(value as GeneratedConcept))
        throw new GlasswingError({
          where: WHERE,
          argument: `options.concepts.${name}`,
          expected: `examples or one of ${GENERATED_CONCEPTS.map((c) => `'${c}'`).join(', ')}`,
          received: describeValue(value),
          hint: 'Pass a tensor of examples for your own concept.',
        })
      if (
        inputShape.length !== 3 ||
        (value === 'watermark' && (inputShape[0] !== 28 || inputShape[1] !== 28 || inputShape[2] !== 1))
      )
        throw new GlasswingError({
          where: WHERE,
          argument: `options.concepts.${name}`,
          expected: `a generated concept for this input shape [${inputShape.join(', ')}]`,
          received: describeValue(value),
          hint: "'stripes' and 'dots' need images [h, w, c]; 'watermark' needs 28x28x1 digits. Pass your own examples instead.",
        })
      const made = generateConcept(
        value as GeneratedConcept,
        inputShape as number[],
        generatedSize,
        seed * 7919 + k,
        pool as tf.Tensor4D,
        options.target,
      )
      owned.push(made)
      concepts.set(name, made)
    } else concepts.set(name, checkExamples(value, `options.concepts.${name}`, MIN_CONCEPT_EXAMPLES))
  }
  return { model, inputs, layers, concepts, owned, pool }
}

const BATCH = 64

function flatActivations(model: GlasswingModel, examples: tf.Tensor, layer: string): Float64Array[] {
  const out: Float64Array[] = []
  for (let start = 0; start < examples.shape[0]; start += BATCH) {
    throwIfInterrupted(WHERE)
    const count = Math.min(BATCH, examples.shape[0] - start)
    const values = tf.tidy(() => {
      const batch = examples.slice(start, count)
      return model.activations(batch, [layer])[layer]!.reshape([count, -1]).dataSync()
    })
    const d = values.length / count
    for (let i = 0; i < count; i++) out.push(Float64Array.from(values.subarray(i * d, (i + 1) * d)))
  }
  return out
}

function layerGradients(
  model: GlasswingModel,
  inputs: tf.Tensor,
  layer: string,
  target: number,
): Float64Array[] {
  model.requireGradients(WHERE, 'TCAV')
  const split = model.split(layer)
  const out: Float64Array[] = []
  for (let start = 0; start < inputs.shape[0]; start += BATCH) {
    throwIfInterrupted(WHERE)
    const count = Math.min(BATCH, inputs.shape[0] - start)
    const values = tf.tidy(() => {
      const batch = inputs.slice(start, count)
      const activation = split.head(batch)
      const gradient = tf.grad((a: tf.Tensor) => {
        const output = split.tail(a, batch)
        return output.reshape([count, -1]).slice([0, target], [count, 1]).sum()
      })(activation)
      return gradient.reshape([count, -1]).dataSync()
    })
    const d = values.length / count
    for (let i = 0; i < count; i++) out.push(Float64Array.from(values.subarray(i * d, (i + 1) * d)))
  }
  return out
}
