/**
 * The PNG of a tabular comparison, for readers without the extension: a method legend, then for the
 * first examples each feature's bars under each method (grouped, one colour per method), labelled
 * `name = value` with the bitmap font.
 */
import { decodeArray } from '../../display/codec'
import { groupedBars, methodColour } from '../../display/feature-comparison'
import { encodePng } from '../../display/png'
import type { TabularFeaturesPayload } from '../../display/schema'
import { drawText, fitText, LINE_HEIGHT, textWidth, type RgbaImage } from '../../display/text-raster'

const EXAMPLES = 3
const FEATURES = 8
const LABEL = 210
const PLOT = 320
const WIDTH = LABEL + PLOT + 16
const BAR = 6
const GROUP_GAP = 6
const MUTED: [number, number, number] = [110, 110, 110]

/**
 * Grouped bars of the first examples of a comparison payload (`payload.comparison` set), each method
 * scaled to its largest |value| in the example (the text fallback has the raw numbers). Base64 PNG.
 *
 * @example
 * comparisonPng(tabularComparisonPayload(items))
 */
export function comparisonPng(
  payload: Pick<
    TabularFeaturesPayload,
    'comparison' | 'featureNames' | 'valueLabels' | 'exampleNames' | 'outputs' | 'outputName'
  >,
): string {
  const { methods, attributions } = payload.comparison!
  const [, n, f] = attributions.shape as [number, number, number]
  const values = decodeArray(attributions)
  const shape = { methods: methods.length, examples: n, features: f }
  const charts = Array.from({ length: Math.min(n, EXAMPLES) }, (_, example) =>
    groupedBars(values, shape, example, 'relative', FEATURES),
  )
  const legendRows = legendLayout(methods).length
  const groupHeight = Math.max(LINE_HEIGHT, methods.length * BAR) + GROUP_GAP
  const chartHeight = (bars: { groups: unknown[] }): number =>
    2 * LINE_HEIGHT + 4 + bars.groups.length * groupHeight
  const top = 6 + LINE_HEIGHT * (2 + legendRows) + 4
  const height = top + charts.reduce((sum, bars) => sum + chartHeight(bars) + 8, 0) + LINE_HEIGHT
  const image: RgbaImage = { rgba: new Uint8Array(WIDTH * height * 4).fill(255), width: WIDTH, height }
  drawText(
    image,
    6,
    6,
    fitText(`Attributions by ${methods.length} methods · ${payload.outputName}`, WIDTH - 12),
  )
  drawText(image, 6, 6 + LINE_HEIGHT, 'bars: each method / its largest |value| in the example', {
    colour: MUTED,
  })
  legendLayout(methods).forEach((row, r) =>
    row.forEach(({ method, x }) => {
      const y = 6 + LINE_HEIGHT * (2 + r)
      fill(image, x, y, 8, 7, rgb(methodColour(method)))
      drawText(image, x + 11, y, fitText(methods[method]!, 160))
    }),
  )
  let y = top
  charts.forEach((bars, example) => {
    const name = payload.exampleNames?.[example] ?? `example ${example}`
    drawText(
      image,
      6,
      y,
      fitText(`${name}: ${payload.outputName} = ${format(payload.outputs[example]!)}`, WIDTH - 12),
    )
    const [lo, hi] = bars.extent
    const x = (v: number): number => LABEL + ((v - lo) / (hi - lo)) * PLOT
    const zero = Math.round(x(0))
    let groupTop = y + LINE_HEIGHT + 4
    for (const group of bars.groups) {
      const raw = payload.valueLabels?.[example]?.[group.feature]
      const label = `${payload.featureNames[group.feature]}${raw ? ` = ${raw}` : ''}`
      const labelTop = groupTop + Math.max(0, (methods.length * BAR - LINE_HEIGHT) / 2)
      const fitted = fitText(label, LABEL - 12)
      drawText(image, LABEL - 6 - textWidth(fitted), labelTop, fitted)
      group.shown.forEach((v, m) => {
        if (!Number.isFinite(v)) return
        const end = Math.round(x(v))
        fill(
          image,
          Math.min(zero, end),
          groupTop + m * BAR,
          Math.max(1, Math.abs(end - zero)),
          BAR - 1,
          rgb(methodColour(m)),
        )
      })
      groupTop += groupHeight
    }
    fill(image, zero, y + LINE_HEIGHT + 2, 1, groupTop - y - LINE_HEIGHT - 2, [90, 90, 90])
    if (bars.others > 0)
      drawText(image, LABEL, groupTop, `and ${bars.others} other features`, { colour: MUTED })
    y += chartHeight(bars) + 8
  })
  if (n > EXAMPLES)
    drawText(image, 6, y, `... and ${n - EXAMPLES} more examples in the view`, { colour: MUTED })
  return encodePng(image.rgba, image.width, image.height)
}

/** Legend entries laid out left to right, wrapping to a new row past the image's width. */
function legendLayout(methods: readonly string[]): { method: number; x: number }[][] {
  const rows: { method: number; x: number }[][] = [[]]
  let x = 6
  methods.forEach((name, method) => {
    const width = 11 + textWidth(fitText(name, 160)) + 14
    if (x + width > WIDTH && rows[rows.length - 1]!.length > 0) {
      rows.push([])
      x = 6
    }
    rows[rows.length - 1]!.push({ method, x })
    x += width
  })
  return rows
}

function fill(image: RgbaImage, x: number, y: number, w: number, h: number, colour: number[]): void {
  for (let row = Math.max(0, y); row < Math.min(image.height, y + h); row++)
    for (let column = Math.max(0, x); column < Math.min(image.width, x + w); column++) {
      const at = (row * image.width + column) * 4
      image.rgba.set(colour, at)
    }
}

function rgb(hex: string): number[] {
  const value = parseInt(hex.slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

function format(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}
