// The embedding's static PNG: a title line and a legend whose swatches have class names and counts
// beside them, so a reader on GitHub can tell the colours apart. Saves a real embedding's picture.
import * as tf from '@tensorflow/tfjs'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodePng, embed, JUPYTER_DISPLAY, load, type GlasswingModel } from '../../../src'
import { categoryColour } from '../../../src/display/palette'
import { scatterPng } from '../../../src/representation/plot'
import { mnistTest } from './mnist'

const ROOT = join(__dirname, '..', '..', '..')

type Picture = ReturnType<typeof decodePng>

function isDark(png: Picture, x: number, y: number): boolean {
  const at = (y * png.width + x) * 4
  return png.rgba[at]! < 120 && png.rgba[at + 1]! < 120 && png.rgba[at + 2]! < 120
}

function darkIn(png: Picture, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (isDark(png, x, y)) count++
  return count
}

/** The rows at which the legend's swatches of each palette colour start (the legend's left edge on). */
function swatchRows(png: Picture, left: number, colour: string): number[] {
  const value = parseInt(colour.slice(1), 16)
  const rgb = [(value >> 16) & 255, (value >> 8) & 255, value & 255]
  const rows: number[] = []
  for (let y = 0; y < png.height; y++) {
    const at = (y * png.width + left + 14) * 4
    if (rgb.every((c, i) => png.rgba[at + i] === c)) rows.push(y)
  }
  return rows
}

describe('embedding PNG', () => {
  it('writes a class name beside every legend swatch, and a title line', () => {
    const coordinates = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * (i % 7))
    const categories = Int32Array.from({ length: 30 }, (_, i) => i % 3)
    const names = ['cat', 'a very long class name that cannot fit', 'Zürich 字']
    const png = decodePng(
      scatterPng({ coordinates, categories, categoryNames: names, title: 'PCA of dense_1' }, 200),
    )
    expect(png.width).toBe(200 + 150)
    expect(png.height).toBe(200 + 18)
    names.forEach((_, code) => {
      const rows = swatchRows(png, 200, categoryColour(code))
      expect(rows.length).toBe(9)
      // Text to the right of the swatch, on the swatch's rows.
      expect(darkIn(png, 224, rows[0]!, png.width, rows[0]! + 9)).toBeGreaterThan(20)
    })
    // The title strip has text; the legend's right margin is left blank (long names were cut).
    expect(darkIn(png, 0, 0, png.width, 18)).toBeGreaterThan(50)
    expect(darkIn(png, png.width - 3, 18, png.width, png.height)).toBe(0)
  })

  it('without names has no legend, and many classes end in "+k more"', () => {
    const coordinates = new Float32Array([0, 0, 1, 1])
    expect(decodePng(scatterPng({ coordinates, title: '' }, 100)).width).toBe(100)
    const many = Array.from({ length: 80 }, (_, i) => `class ${i}`)
    const png = decodePng(
      scatterPng({ coordinates, categories: new Int32Array([0, 79]), categoryNames: many, title: 't' }, 200),
    )
    const rows = Math.floor((png.height - 18 - 8) / 14)
    const last = 18 + 6 + (rows - 1) * 14
    expect(darkIn(png, 224, last, png.width, last + 9)).toBeGreaterThan(20)
    expect(darkIn(png, 200, last + 14, png.width, png.height)).toBe(0)
  })

  it("draws a real embedding (PCA of the MNIST CNN's dense_1 on 200 test images) with a labelled legend", async () => {
    const model = (await load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))) as GlasswingModel
    const { images, labels } = mnistTest(200)
    const inputs = tf.tensor4d(images.values, [200, 28, 28, 1])
    try {
      const result = await embed(model, inputs, { layer: 'dense_1', method: 'pca', labels })
      const base64 = result[JUPYTER_DISPLAY]()['image/png'] as string
      const png = decodePng(base64)
      const left = png.width - 150
      for (let code = 0; code < 10; code++) {
        const rows = swatchRows(png, left, categoryColour(code))
        expect(rows.length).toBe(9)
        expect(darkIn(png, left + 24, rows[0]!, png.width, rows[0]! + 9)).toBeGreaterThan(10)
      }
      mkdirSync(join(ROOT, '.cache', 'screenshots'), { recursive: true })
      writeFileSync(
        join(ROOT, '.cache', 'screenshots', 'embedding-static.png'),
        Buffer.from(base64, 'base64'),
      )
    } finally {
      inputs.dispose()
      model.dispose()
    }
  })
})
