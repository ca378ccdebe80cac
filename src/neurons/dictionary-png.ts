/**
 * The dictionary's static picture: one card per unit (its feature visualization, then its top examples
 * with the unit's activation map in red over them), four cards a row.
 */
import { encodePng } from '../display/png'
import type { NeuronDictionary } from './neuron-dictionary'
import { gridRgba, imageTile, overlayTile, type Tile } from './render'

/** Examples shown per card. */
const EXAMPLES_PER_CARD = 4

/** The unit cards as a base64 PNG. */
export function dictionaryPng(dictionary: NeuronDictionary): string {
  const cards = dictionary.entries.map((entry) => {
    const tiles: Tile[] = []
    const height =
      entry.visualization?.height ?? dictionary.exampleImage(entry.examples[0]?.index ?? -1)?.height ?? 28
    const scale = Math.max(1, Math.round(56 / height))
    if (entry.visualization) tiles.push(imageTile(entry.visualization, 0, scale))
    else if (entry.visualizationValue !== null) tiles.push(crossedTile(height * scale))
    for (const example of entry.examples.slice(0, EXAMPLES_PER_CARD)) {
      const image = dictionary.exampleImage(example.index)
      if (!image) continue
      const side = Math.round(Math.sqrt(example.map.length))
      const normalized = example.map.map((v) => v / Math.max(entry.statistics.max, 1e-6))
      tiles.push(overlayTile(imageTile(image, 0, scale), normalized, side, side))
    }
    return gridRgba(tiles, Math.max(1, tiles.length), 1)
  })
  const grid = gridRgba(cards, Math.min(4, Math.max(1, cards.length)), 6)
  return encodePng(grid.rgba, grid.width, grid.height)
}

/**
 * A white tile crossed in red: the place of a feature visualization left out because no image made the
 * unit fire (the text and the view say why), so that a grey square is not read as a picture.
 */
function crossedTile(size: number): Tile {
  const rgba = new Uint8Array(size * size * 4).fill(255)
  for (let i = 0; i < size; i++) {
    for (const x of [i, size - 1 - i]) {
      const k = (i * size + x) * 4
      rgba[k + 1] = 0
      rgba[k + 2] = 0
    }
  }
  return { rgba, width: size, height: size }
}
