// The PNGs' bitmap font: deterministic glyphs, widths that match what is drawn, truncation with an
// ellipsis, and any string (non-ASCII, emoji, empty) drawn without throwing.
import { describe, expect, it } from 'vitest'
import {
  ADVANCE,
  drawText,
  fitText,
  glyphColumns,
  textWidth,
  type RgbaImage,
} from '../../../src/display/text-raster'

function blank(width: number, height: number): RgbaImage {
  return { rgba: new Uint8Array(width * height * 4).fill(255), width, height }
}

/** The dark pixels of an image as rows of '#' and '.', to compare glyphs by eye and by value. */
function ascii(image: RgbaImage): string[] {
  return Array.from({ length: image.height }, (_, y) =>
    Array.from({ length: image.width }, (_, x) =>
      image.rgba[(y * image.width + x) * 4]! < 128 ? '#' : '.',
    ).join(''),
  )
}

describe('text raster', () => {
  it('draws the same pixels every time, and known glyphs as the 5x7 font has them', () => {
    const first = blank(40, 10)
    const second = blank(40, 10)
    drawText(first, 1, 1, 'A7g')
    drawText(second, 1, 1, 'A7g')
    expect(first.rgba).toEqual(second.rgba)
    const a = blank(5, 8)
    drawText(a, 0, 0, 'A')
    expect(ascii(a)).toEqual(['..#..', '.#.#.', '#...#', '#...#', '#####', '#...#', '#...#', '.....'])
    // Descenders use the 8th row.
    const g = blank(5, 8)
    drawText(g, 0, 0, 'g')
    expect(ascii(g)[7]).toBe('.###.')
  })

  it('has a distinct glyph for every printable ASCII character', () => {
    const glyphs = new Set<string>()
    for (let code = 33; code <= 126; code++) glyphs.add(glyphColumns(String.fromCharCode(code)).join(','))
    expect(glyphs.size).toBe(94)
    expect(Array.from(glyphColumns(' '))).toEqual([0, 0, 0, 0, 0])
  })

  it('measures what it draws and returns the x after the text', () => {
    const image = blank(200, 10)
    const end = drawText(image, 3, 1, 'class 7')
    expect(end).toBe(3 + 7 * ADVANCE)
    expect(textWidth('class 7')).toBe(7 * ADVANCE - 1)
    const columns = ascii(image).reduce<number[]>((xs, row) => {
      ;[...row].forEach((c, x) => c === '#' && xs.push(x))
      return xs
    }, [])
    expect(Math.max(...columns)).toBeLessThan(3 + textWidth('class 7'))
    expect(textWidth('ab', 2)).toBe((2 * ADVANCE - 1) * 2)
  })

  it('cuts long text with an ellipsis to fit a width', () => {
    expect(fitText('short', 100)).toBe('short')
    const cut = fitText('a very long class name', 60)
    expect(cut).toBe('a very lo…')
    expect(textWidth(cut)).toBeLessThanOrEqual(60)
    expect(fitText('anything', 2)).toBe('')
  })

  it('draws characters outside the font as a box, without throwing', () => {
    const image = blank(80, 10)
    expect(() => drawText(image, 0, 0, 'Ünïcødé 字 🙂 ·…→×')).not.toThrow()
    const box = blank(5, 8)
    drawText(box, 0, 0, '字')
    expect(ascii(box).slice(0, 7)).toEqual(['#####', '#...#', '#...#', '#...#', '#...#', '#...#', '#####'])
    // An emoji (two UTF-16 units) is one character, one box.
    expect(textWidth('🙂')).toBe(ADVANCE - 1)
    // Drawing off the edges and empty text are harmless.
    expect(() => drawText(image, -20, -5, 'edge case', { scale: 3 })).not.toThrow()
    expect(drawText(image, 4, 0, '')).toBe(4)
  })
})
