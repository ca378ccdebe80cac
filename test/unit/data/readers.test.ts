import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import * as jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { read } from '../../../src/data'
import { parseCsv } from '../../../src/data/csv'

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'data')
const fixture = (name: string) => join(FIXTURES, name)

async function values(path: string): Promise<{ shape: number[]; dtype: string; data: number[] }> {
  const tensor = await read.npy(path)
  const out = { shape: tensor.shape, dtype: tensor.dtype, data: Array.from(tensor.dataSync()) }
  tensor.dispose()
  return out
}

describe('gw.read.npy (fixtures written by numpy, test/fixtures/data/generate_npy.py)', () => {
  it('reads C and Fortran order to the same row-major tensor', async () => {
    const before = tf.memory().numTensors
    const expected = { shape: [2, 3], dtype: 'float32', data: [0, 0.25, 0.5, 0.75, 1, 1.25] }
    expect(await values(fixture('c_f8.npy'))).toEqual(expected)
    expect(await values(fixture('fortran_f8.npy'))).toEqual(expected)
    const cube = await values(fixture('fortran_i4_3d.npy'))
    expect(cube).toEqual({ shape: [2, 3, 4], dtype: 'int32', data: Array.from({ length: 24 }, (_, i) => i) })
    expect(tf.memory().numTensors).toBe(before)
  })

  it('handles byte order, integer widths, booleans, scalars and version 2 headers', async () => {
    expect(await values(fixture('big_f4.npy'))).toEqual({ shape: [4], dtype: 'float32', data: [0, 1, 2, 3] })
    expect((await values(fixture('i8.npy'))).data).toEqual([-3, 0, 2 ** 31 - 1])
    expect(await values(fixture('u1.npy'))).toEqual({
      shape: [6],
      dtype: 'int32',
      data: [250, 251, 252, 253, 254, 255],
    })
    expect(await values(fixture('bool.npy'))).toEqual({ shape: [3], dtype: 'bool', data: [1, 0, 1] })
    expect(await values(fixture('scalar.npy'))).toEqual({ shape: [], dtype: 'float32', data: [7.5] })
    expect(await values(fixture('v2_f4.npy'))).toEqual({ shape: [3], dtype: 'float32', data: [0, 1, 2] })
  })

  it('refuses what tfjs cannot hold, saying what it got', async () => {
    await expect(read.npy(fixture('i8_too_big.npy'))).rejects.toThrow(/fit in int32.*1099511627776/)
    await expect(read.npy(fixture('complex.npy'))).rejects.toThrow(/got '<c16'/)
    await expect(read.npy(fixture('generate_npy.py'))).rejects.toThrow(GlasswingError)
  })
})

describe('gw.read.csv', () => {
  it('parses quotes, doubled quotes, line breaks in quotes, numbers and empty cells', () => {
    const table = parseCsv('name,age,note\r\n"Smith, J",41,"said ""hi""\nthen left"\nDoe,,x\n')
    expect(table.columns).toEqual(['name', 'age', 'note'])
    expect(table.rows[0]).toEqual(['Smith, J', 41, 'said "hi"\nthen left'])
    expect(table.rows[1]![1]).toBeNaN()
    expect(table.numericColumns).toEqual(['age'])
    const x = table.toTensor()
    expect(x.shape).toEqual([2, 1])
    x.dispose()
    expect(() => table.toTensor(['name'])).toThrow(/numeric columns \(age\), got 'name', a text column/)
    expect(() => parseCsv('a,b\n1\n')).toThrow(/row 1 expected 2 fields/)
    expect(parseCsv('1;2\n3;4', { delimiter: ';', header: false }).columns).toEqual(['column_1', 'column_2'])
  })

  it('reads a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-csv-'))
    writeFileSync(join(dir, 't.csv'), 'x,y\n1,2\n3,4\n')
    const table = await read.csv(join(dir, 't.csv'))
    const x = table.toTensor(['y', 'x'])
    expect(x.arraySync()).toEqual([
      [2, 1],
      [4, 3],
    ])
    x.dispose()
  })
})

describe('gw.read.image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-image-'))
  // A 3x2 picture: red, green, blue / white, black, grey.
  const rgba = Uint8Array.from([
    255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 128, 128, 128, 255,
  ])
  const png = new PNG({ width: 3, height: 2 })
  png.data = Buffer.from(rgba)
  writeFileSync(join(dir, 'p.png'), PNG.sync.write(png))
  writeFileSync(join(dir, 'p.jpg'), jpeg.encode({ data: Buffer.from(rgba), width: 3, height: 2 }, 100).data)
  writeFileSync(join(dir, 'p.gif'), 'GIF89a')

  it('reads a PNG as RGB or grayscale in [0, 1], leaking nothing', async () => {
    const before = tf.memory().numTensors
    const rgb = await read.image(join(dir, 'p.png'))
    expect(rgb.shape).toEqual([1, 2, 3, 3])
    expect(Array.from(rgb.dataSync().slice(0, 6))).toEqual([1, 0, 0, 0, 1, 0])
    const gray = await read.image(join(dir, 'p.png'), { channels: 1, invert: true })
    expect(gray.shape).toEqual([1, 2, 3, 1])
    const g = gray.dataSync()
    expect(g[0]).toBeCloseTo(1 - 0.299, 5)
    expect(g[3]).toBeCloseTo(0, 5)
    expect(g[4]).toBeCloseTo(1, 5)
    const resized = await read.image(join(dir, 'p.png'), { channels: 1, size: [28, 28] })
    expect(resized.shape).toEqual([1, 28, 28, 1])
    tf.dispose([rgb, gray, resized])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reads a JPEG close to its PNG, and refuses other formats', async () => {
    const jpg = await read.image(join(dir, 'p.jpg'))
    const ref = await read.image(join(dir, 'p.png'))
    // JPEG is lossy and subsamples colour: close, not equal.
    expect(tf.tidy(() => jpg.sub(ref).abs().mean().dataSync()[0])).toBeLessThan(0.2)
    tf.dispose([jpg, ref])
    await expect(read.image(join(dir, 'p.gif'))).rejects.toThrow(/expected a PNG or JPEG file/)
    await expect(read.image(join(dir, 'p.png'), { channels: 2 as 1 })).rejects.toThrow(
      /options\.channels expected 1 or 3, got 2/,
    )
  })
})
