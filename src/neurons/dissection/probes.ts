/**
 * The concept probe set: images with pixel masks, generated procedurally (Network Dissection's Broden
 * set, which Glasswing cannot ship, replaced by shapes, textures and colours drawn at the model's input
 * size). Each image holds one pattern (a shape at one of three scales, or a texture patch at one of two
 * scales) in one colour on a plain background. A pixel belongs to the pattern's concept (shape: its area;
 * texture: the whole patch) and, on RGB models, to the colour concept where the pattern's colour is.
 */
import { seededRandom, type Random } from '../../data/random'
import type { StimulusShape } from '../stimuli/types'
import {
  checkerboard,
  circle,
  dots,
  rectangle,
  square,
  stripes,
  triangle,
  within,
  type Pattern,
} from './shapes'

/** Images with one mask per concept. */
export interface ConceptSet {
  /** Concept names, for example 'red', 'circle', 'stripes 45°'. */
  concepts: string[]
  /** Each concept's category: 'color', 'shape', 'texture' or 'user'. */
  categories: ConceptCategory[]
  /** Images [count, height, width, channels] in [0, 1]. */
  images: Float32Array
  count: number
  /** masks[k] is concept k's mask over all images, [count, height, width], 1 where the concept is. */
  masks: Uint8Array[]
}

export type ConceptCategory = 'color' | 'shape' | 'texture' | 'user'

/** Named colours of the probe set (RGB models). */
export const PROBE_COLORS: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [1, 0, 0],
  orange: [1, 0.55, 0],
  yellow: [1, 1, 0],
  green: [0, 0.8, 0],
  cyan: [0, 1, 1],
  blue: [0, 0, 1],
  purple: [0.6, 0, 1],
  white: [1, 1, 1],
}

/** Options of {@link conceptProbes}. */
export interface ProbeOptions {
  /** Images per (pattern, colour) pair, at random positions. Default 1 (RGB) or 4 (grayscale). */
  repeats?: number
  seed?: number
}

/**
 * Generates the probe set for a model's input size. Grayscale models get white patterns on black
 * (the MNIST look) and no colour concepts; RGB models get every pattern in every colour on grey.
 *
 * @example
 * const probes = conceptProbes({ height: 32, width: 32, channels: 3 })
 * probes.concepts   // ['red', 'orange', ..., 'circle', 'square', 'triangle', 'stripes 0°', ...]
 */
export function conceptProbes(shape: StimulusShape, options: ProbeOptions = {}): ConceptSet {
  const { height, width, channels } = shape
  const colored = channels === 3
  const colors = colored ? Object.entries(PROBE_COLORS) : [['white', [1, 1, 1] as const] as const]
  const background = colored ? 0.5 : 0
  const random = seededRandom(options.seed ?? 0)
  const repeats = options.repeats ?? (colored ? 1 : 4)
  const size = Math.min(height, width)

  const kinds = patternKinds(size)
  const shapeNames = [...new Set(kinds.map((k) => k.concept))]
  const concepts = [...(colored ? colors.map(([name]) => name as string) : []), ...shapeNames]
  const categories: ConceptCategory[] = [
    ...(colored ? colors.map(() => 'color' as const) : []),
    ...shapeNames.map((name) => kinds.find((k) => k.concept === name)!.category),
  ]
  const count = kinds.length * colors.length * repeats
  const pixels = height * width
  const images = new Float32Array(count * pixels * channels).fill(background)
  const masks = concepts.map(() => new Uint8Array(count * pixels))

  let index = 0
  for (const kind of kinds) {
    for (const [colorName, rgb] of colors) {
      for (let r = 0; r < repeats; r++, index++) {
        const { pattern, region } = kind.make(height, width, random)
        const colorMask = masks[concepts.indexOf(colorName as string)]
        const conceptMask = masks[concepts.indexOf(kind.concept)]!
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const p = index * pixels + y * width + x
            if (region(y, x)) conceptMask[p] = 1
            if (!pattern(y, x)) continue
            if (colorMask) colorMask[p] = 1
            for (let k = 0; k < channels; k++) images[p * channels + k] = colored ? rgb[k]! : 1
          }
        }
      }
    }
  }
  return { concepts, categories, images, count, masks }
}

interface PatternKind {
  concept: string
  category: ConceptCategory
  make(height: number, width: number, random: Random): { pattern: Pattern; region: Pattern }
}

function patternKinds(size: number): PatternKind[] {
  const kinds: PatternKind[] = []
  const shapes: [string, typeof circle][] = [
    ['circle', circle],
    ['square', square],
    ['triangle', triangle],
  ]
  for (const [concept, draw] of shapes) {
    for (const scale of [0.15, 0.25, 0.35]) {
      kinds.push({
        concept,
        category: 'shape',
        make: (height, width, random) => {
          const r = scale * size
          const cy = r + random() * Math.max(0, height - 2 * r)
          const cx = r + random() * Math.max(0, width - 2 * r)
          const pattern = draw(cy, cx, r)
          return { pattern, region: pattern }
        },
      })
    }
  }
  const textures: [string, (period: number) => Pattern][] = [
    ...[0, 45, 90, 135].map(
      (o) => [`stripes ${o}°`, (period: number) => stripes(o, period)] as [string, (p: number) => Pattern],
    ),
    ['checkerboard', (period) => checkerboard(period / 2)],
    ['dots', dots],
  ]
  for (const [concept, texture] of textures) {
    for (const periodFraction of [0.15, 0.3]) {
      kinds.push({
        concept,
        category: 'texture',
        make: (height, width, random) => {
          const period = Math.max(3, Math.round(periodFraction * size))
          const h = Math.round(height * (0.5 + 0.2 * random()))
          const w = Math.round(width * (0.5 + 0.2 * random()))
          const top = Math.floor(random() * (height - h + 1))
          const left = Math.floor(random() * (width - w + 1))
          return {
            pattern: within(texture(period), top, left, top + h, left + w),
            region: rectangle(top, left, top + h, left + w),
          }
        },
      })
    }
  }
  return kinds
}
