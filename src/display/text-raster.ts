/**
 * Text for the static PNGs (`image/png` fallbacks), drawn without a font library: a 5x7 pixel font
 * (with a row for descenders) for printable ASCII, a few symbols Glasswing's titles use (· … → ×), and
 * an outlined box for every other character, so that any string draws and none throws.
 */

/** RGBA pixels, row-major, 4 bytes a pixel: what the PNG encoders take. */
export interface RgbaImage {
  rgba: Uint8Array
  width: number
  height: number
}

/** How text is drawn; every field optional. */
export interface TextStyle {
  /** RGB, default near-black. */
  colour?: readonly [number, number, number]
  /** Whole-pixel magnification, default 1 (a 6 x 9 pixel cell per character). */
  scale?: number
}

/** Glyph columns drawn per character, before scaling. */
export const GLYPH_WIDTH = 5
/** Glyph rows: 7 for capitals and digits, the 8th for descenders (g, p, q, y). */
export const GLYPH_HEIGHT = 8
/** Horizontal advance per character (glyph and one blank column), before scaling. */
export const ADVANCE = GLYPH_WIDTH + 1
/** Line height (glyph and one blank row), before scaling. */
export const LINE_HEIGHT = GLYPH_HEIGHT + 1

/**
 * The classic 5x7 LCD font (as in the HD44780 and Adafruit GFX), ASCII 32..126: five column bytes per
 * character, bit 0 the top row. Columns rather than rows because that is how the font is known and
 * can be checked against its sources.
 */
// prettier-ignore
const ASCII =
  '0000000000' + '00005f0000' + '0007000700' + '147f147f14' + '242a7f2a12' + '2313086462' +
  '3649562050' + '0005030000' + '001c224100' + '0041221c00' + '2a1c7f1c2a' + '08083e0808' +
  '0050300000' + '0808080808' + '0060600000' + '2010080402' + '3e5149453e' + '00427f4000' +
  '7249494946' + '2141494d33' + '1814127f10' + '2745454539' + '3c4a494931' + '4121110907' +
  '3649494936' + '464949291e' + '0036360000' + '0056360000' + '0008142241' + '1414141414' +
  '0041221408' + '0201590906' + '3e415d594e' + '7c1211127c' + '7f49494936' + '3e41414122' +
  '7f4141413e' + '7f49494941' + '7f09090901' + '3e41415173' + '7f0808087f' + '00417f4100' +
  '2040413f01' + '7f08142241' + '7f40404040' + '7f021c027f' + '7f0408107f' + '3e4141413e' +
  '7f09090906' + '3e4151215e' + '7f09192946' + '2649494932' + '03017f0103' + '3f4040403f' +
  '1f2040201f' + '3f4038403f' + '6314081463' + '0304780403' + '6159494d43' + '007f414141' +
  '0204081020' + '004141417f' + '0402010204' + '4040404040' + '0001020400' + '2054547840' +
  '7f28444438' + '3844444428' + '384444287f' + '3854545418' + '00087e0902' + '18a4a4a47c' +
  '7f08040478' + '00447d4000' + '2040403d00' + '7f10284400' + '00417f4000' + '7c04780478' +
  '7c08040478' + '3844444438' + 'fc18242418' + '18242418fc' + '7c08040408' + '4854545424' +
  '04043f4424' + '3c4040207c' + '1c2040201c' + '3c4030403c' + '4428102844' + '1ca0a0a07c' +
  '4464544c44' + '0008364100' + '00007f0000' + '0041360800' + '0201020402'

/** Symbols outside ASCII that Glasswing's own titles and truncation use. */
const EXTRA: Record<string, string> = {
  '·': '0000080000',
  '…': '4000400040',
  '→': '08082a1c08',
  '×': '2214081422',
}

/** An outlined box: the placeholder for characters the font lacks. */
const BOX = '7f4141417f'

/**
 * The glyph of one character as 5 column bytes (bit 0 the top row); unknown characters get the box.
 *
 * @example
 * glyphColumns('A')   // Uint8Array [0x7c, 0x12, 0x11, 0x12, 0x7c]
 */
export function glyphColumns(character: string): Uint8Array {
  const code = character.codePointAt(0) ?? 0
  const hex =
    code >= 32 && code <= 126 && character.length === 1
      ? ASCII.slice((code - 32) * 10, (code - 31) * 10)
      : (EXTRA[character] ?? BOX)
  return Uint8Array.from({ length: GLYPH_WIDTH }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16))
}

/**
 * The width in pixels that {@link drawText} covers (characters are counted by code point, so an emoji
 * is one box, not two).
 *
 * @example
 * textWidth('PCA')   // 17: three 6-pixel cells less the last blank column
 */
export function textWidth(text: string, scale = 1): number {
  const characters = [...text].length
  return characters === 0 ? 0 : (characters * ADVANCE - 1) * scale
}

/**
 * Text cut to fit `maxWidth` pixels, ending in '…' where it was cut.
 *
 * @example
 * fitText('a very long class name', 60)   // 'a very lo…'
 */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  const characters = [...text]
  const fits = Math.max(0, Math.floor((maxWidth / scale + 1) / ADVANCE))
  if (characters.length <= fits) return text
  return fits === 0 ? '' : `${characters.slice(0, fits - 1).join('')}…`
}

/**
 * Draws text into RGBA pixels with its top-left corner at (x, y); pixels outside the image are
 * skipped. Returns the x just past the text, so that runs of text can follow each other.
 *
 * @example
 * const image = { rgba: new Uint8Array(100 * 12 * 4).fill(255), width: 100, height: 12 }
 * drawText(image, 2, 2, 'class 7 (21)')   // 73
 */
export function drawText(
  image: RgbaImage,
  x: number,
  y: number,
  text: string,
  style: TextStyle = {},
): number {
  const [r, g, b] = style.colour ?? [33, 33, 33]
  const scale = Math.max(1, Math.round(style.scale ?? 1))
  let left = Math.round(x)
  const top = Math.round(y)
  for (const character of text) {
    const columns = glyphColumns(character)
    for (let column = 0; column < GLYPH_WIDTH; column++) {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        if (!((columns[column]! >> row) & 1)) continue
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++)
            setOpaque(image, left + column * scale + dx, top + row * scale + dy, r, g, b)
      }
    }
    left += ADVANCE * scale
  }
  return left
}

function setOpaque(image: RgbaImage, x: number, y: number, r: number, g: number, b: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return
  const at = (y * image.width + x) * 4
  image.rgba[at] = r
  image.rgba[at + 1] = g
  image.rgba[at + 2] = b
  image.rgba[at + 3] = 255
}
