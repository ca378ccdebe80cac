/**
 * Attention flow (Abnar & Zuidema 2020): the attention stack as a layered graph, node (l, i) for token
 * i entering layer l, an edge (l + 1, i) -> (l, j) of capacity A_l[i][j] (the fused, residual-augmented,
 * row-normalised attention rollout uses); the flow of output position `output` to input token j is the
 * maximum flow from (L, output) to (0, j). Float64 Dinic, so it matches networkx to 1e-9.
 */
import { GlasswingError, describeValue } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { checkStack, effectiveAttention, fuseHeads, type Matrix, type RolloutOptions } from './rollout'

/** Options of {@link attentionFlow}. */
export interface FlowOptions extends RolloutOptions {
  /**
   * The largest problem accepted, counted as tokens x layers x tokens² (one max-flow per input token over
   * layers x tokens² edges). Default 20,000,000 (for example 128 tokens x 8 layers).
   */
  maxWork?: number
}

const WHERE = 'gw.transformer.flow'
const EPSILON = 1e-15

/**
 * The attention flow from one output position to every input token.
 *
 * @example
 * const values = gw.transformer.flow(stack, 5)   // stack: [layer][head][query][key]; 5: the output position
 */
export function attentionFlow(
  stack: readonly (readonly Matrix[])[],
  output: number,
  options: FlowOptions = {},
): number[] {
  checkStack(stack, WHERE)
  const t = stack[0]![0]!.length
  if (!Number.isInteger(output) || output < 0 || output >= t) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'output',
      expected: `an output position from 0 to ${t - 1}`,
      received: describeValue(output),
    })
  }
  const start = options.startLayer ?? 0
  const layers = stack
    .slice(start)
    .map((heads) =>
      effectiveAttention(
        fuseHeads(heads as Matrix[], options.headFusion ?? 'mean'),
        options.residual ?? true,
      ),
    )
  const work = t * layers.length * t * t
  const limit = options.maxWork ?? 20_000_000
  if (work > limit) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'stack',
      expected: `at most ${limit.toLocaleString('en')} units of work (tokens x layers x tokens²)`,
      received: `${t} tokens x ${layers.length} layers: ${work.toLocaleString('en')}`,
      hint: 'Use gw.transformer.rollout for long inputs, start at a later layer (startLayer), or raise options.maxWork.',
    })
  }
  const graph = new FlowGraph(layers, t)
  const source = graph.node(layers.length, output)
  return Array.from({ length: t }, (_, j) => {
    throwIfInterrupted(WHERE, { done: j, total: t, unit: 'input tokens' })
    return graph.maxFlow(source, graph.node(0, j))
  })
}

/** The layered graph; capacities are reset before each max-flow. */
class FlowGraph {
  private readonly to: number[] = []
  private readonly capacity: number[] = []
  private readonly original: number[] = []
  private readonly adjacency: number[][]

  constructor(
    layers: readonly Matrix[],
    private readonly t: number,
  ) {
    this.adjacency = Array.from({ length: (layers.length + 1) * t }, () => [])
    layers.forEach((a, l) => {
      for (let i = 0; i < t; i++)
        for (let j = 0; j < t; j++)
          if (a[i]![j]! > 0) this.edge(this.node(l + 1, i), this.node(l, j), a[i]![j]!)
    })
  }

  node(layer: number, token: number): number {
    return layer * this.t + token
  }

  private edge(from: number, to: number, capacity: number): void {
    this.adjacency[from]!.push(this.to.length)
    this.to.push(to)
    this.capacity.push(capacity)
    this.original.push(capacity)
    this.adjacency[to]!.push(this.to.length)
    this.to.push(from)
    this.capacity.push(0)
    this.original.push(0)
  }

  /** Dinic's algorithm. */
  maxFlow(source: number, sink: number): number {
    for (let e = 0; e < this.capacity.length; e++) this.capacity[e] = this.original[e]!
    let total = 0
    const nodes = this.adjacency.length
    for (;;) {
      const level = new Int32Array(nodes).fill(-1)
      level[source] = 0
      const queue = [source]
      for (let q = 0; q < queue.length; q++) {
        const u = queue[q]!
        for (const e of this.adjacency[u]!) {
          const v = this.to[e]!
          if (level[v] === -1 && this.capacity[e]! > EPSILON) {
            level[v] = level[u]! + 1
            queue.push(v)
          }
        }
      }
      if (level[sink] === -1) return total
      const next = new Int32Array(nodes)
      const push = (u: number, limit: number): number => {
        if (u === sink) return limit
        for (; next[u]! < this.adjacency[u]!.length; next[u]!++) {
          const e = this.adjacency[u]![next[u]!]!
          const v = this.to[e]!
          if (level[v] !== level[u]! + 1 || this.capacity[e]! <= EPSILON) continue
          const pushed = push(v, Math.min(limit, this.capacity[e]!))
          if (pushed > 0) {
            this.capacity[e] -= pushed
            this.capacity[e ^ 1] += pushed
            return pushed
          }
        }
        return 0
      }
      for (let f = push(source, Infinity); f > 0; f = push(source, Infinity)) total += f
    }
  }
}
