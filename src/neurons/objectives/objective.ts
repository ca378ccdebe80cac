/**
 * Feature-visualization objectives: small values that compose, as in Lucid/Lucent.
 *
 * An objective reads what the optimized images do to the model (activations at named layers, the
 * output, the images themselves) and returns one number to maximize. `a.plus(b)`, `a.minus(b)`,
 * `a.times(k)`, `a.neg()` and `Objective.sum([...])` build new objectives with readable names.
 */
import type * as tf from '@tensorflow/tfjs'

/** What an objective sees at one optimization step. */
export interface ObjectiveContext {
  /** The parametrized images before transforms, values in [0, 1], shape [batch, height, width, channels]. */
  readonly images: tf.Tensor4D
  /** The activation of a layer the objective declared in `layers`, batch first. */
  activation(layer: string): tf.Tensor
  /** The model's output (only when the objective declared `output`). */
  output(): tf.Tensor
}

/** What an objective needs the model to compute. */
export interface ObjectiveNeeds {
  /** Layers whose activations it reads. */
  readonly layers: readonly string[]
  /** Whether it reads the model's output. */
  readonly output: boolean
}

/**
 * A value to maximize. Build one with `gw.objectives.channel(...)` and friends, combine them freely.
 *
 * @example
 * const objective = gw.objectives.channel('conv2d_1', 3)
 *   .minus(gw.objectives.totalVariation().times(0.05))
 * objective.name   // 'channel(conv2d_1:3) - 0.05 × totalVariation'
 */
export class Objective {
  constructor(
    /** A readable description, for titles and provenance. */
    readonly name: string,
    readonly needs: ObjectiveNeeds,
    /** The value for the current step: a scalar, computed inside the optimizer's tape. */
    readonly evaluate: (context: ObjectiveContext) => tf.Scalar,
  ) {}

  /** This objective plus another (or a constant). */
  plus(other: Objective): Objective {
    return new Objective(
      `${this.name} + ${wrap(other.name)}`,
      mergeNeeds([this, other]),
      (context) => this.evaluate(context).add(other.evaluate(context)) as tf.Scalar,
    )
  }

  /** This objective minus another: regularizers are penalties, subtracted this way. */
  minus(other: Objective): Objective {
    return new Objective(
      `${this.name} - ${wrap(other.name)}`,
      mergeNeeds([this, other]),
      (context) => this.evaluate(context).sub(other.evaluate(context)) as tf.Scalar,
    )
  }

  /** This objective scaled by a constant. */
  times(factor: number): Objective {
    return new Objective(
      `${formatNumber(factor)} × ${wrap(this.name)}`,
      this.needs,
      (context) => this.evaluate(context).mul(factor) as tf.Scalar,
    )
  }

  /** The negated objective: minimizing what this one maximizes. */
  neg(): Objective {
    return new Objective(
      `-${wrap(this.name)}`,
      this.needs,
      (context) => this.evaluate(context).neg() as tf.Scalar,
    )
  }

  /**
   * The sum of many objectives, for instance one channel per image of a batch.
   *
   * @example
   * Objective.sum([0, 1, 2].map((c) => gw.objectives.channel('conv2d_1', c, { batch: c })))
   */
  static sum(objectives: readonly Objective[]): Objective {
    if (objectives.length === 0) throw new RangeError('Objective.sum: expected at least one objective')
    const name =
      objectives.length <= 3
        ? objectives.map((o) => wrap(o.name)).join(' + ')
        : `sum of ${objectives.length} (${objectives[0]!.name}, ...)`
    return new Objective(name, mergeNeeds(objectives), (context) => {
      let total = objectives[0]!.evaluate(context)
      for (const objective of objectives.slice(1)) total = total.add(objective.evaluate(context))
      return total
    })
  }

  toString(): string {
    return this.name
  }
}

function mergeNeeds(objectives: readonly Objective[]): ObjectiveNeeds {
  return {
    layers: [...new Set(objectives.flatMap((o) => o.needs.layers))],
    output: objectives.some((o) => o.needs.output),
  }
}

// Compound names get parentheses so that `a - (b + c)` reads as it computes.
function wrap(name: string): string {
  return /[+\-] /.test(name) ? `(${name})` : name
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)))
}
