import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { datasets } from '../../../src/data'
import { parseArff, splitValues } from '../../../src/data/arff'

describe('gw.datasets.creditG', () => {
  it('gives encoded features, labels and the raw table with attribute names', async () => {
    const before = tf.memory().numTensors
    const all = await datasets.creditG()
    expect(all.features.shape).toEqual([1000, 63])
    expect(all.classNames).toEqual(['good', 'bad'])
    expect(tf.tidy(() => all.labels.sum().dataSync()[0])).toBe(300)
    expect(all.table.columns).toHaveLength(20)
    expect(all.table.columns).toContain('age')
    expect(all.table.columns.at(-1)).toBe('foreign_worker')
    // The first applicant of the file, as the ARFF says.
    expect(all.table.rows[0]!.slice(0, 5)).toEqual([
      '<0',
      6,
      'critical/other existing credit',
      'radio/tv',
      1169,
    ])
    expect(all.featureNames).toContain('foreign_worker=yes')
    expect(all.featureNames).toContain('age')
    expect(all.encoding.attributeOfColumn).toHaveLength(63)
    expect(all.encoding.attributeOfColumn.slice(0, 6)).toEqual([0, 0, 0, 0, 1, 2])
    expect(all.encoding.attributeOfColumn.at(-1)).toBe(19)
    // Each nominal attribute is one-hot: exactly one 1 in its columns; age is standardised.
    const first = all.features.slice([0, 0], [1, -1])
    const row = first.dataSync() as Float32Array
    first.dispose()
    for (const attribute of all.encoding.attributes) {
      if (attribute.kind === 'nominal') {
        const slice = row.slice(attribute.firstColumn, attribute.firstColumn + attribute.categories.length)
        expect(slice.reduce((a, b) => a + b, 0)).toBe(1)
      } else if (attribute.name === 'age') {
        expect(row[attribute.column]).toBeCloseTo((67 - attribute.mean) / attribute.std, 5)
      }
    }
    all.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('splits 800/200 the same way every time, standardised on the training split', async () => {
    const train = await datasets.creditG({ split: 'train' })
    const test = await datasets.creditG({ split: 'test' })
    const again = await datasets.creditG({ split: 'test', limit: 3 })
    expect(train.features.shape[0]).toBe(800)
    expect(test.features.shape[0]).toBe(200)
    expect(again.table.rows).toEqual(test.table.rows.slice(0, 3))
    const means = tf.tidy(() => Array.from(train.features.mean(0).dataSync()))
    const age = train.featureNames.indexOf('age')
    expect(means[age]).toBeCloseTo(0, 5)
    // encode() reproduces the features from the raw rows.
    const encoded = test.encode(test.table.rows)
    expect(tf.tidy(() => encoded.sub(test.features).abs().max().dataSync()[0])).toBeLessThan(1e-6)
    expect(() => test.encode([['?']])).toThrow(/20 values/)
    const bad = [...test.table.rows[0]!]
    bad[19] = 'maybe'
    expect(() => test.encode([bad])).toThrow(
      /rows\[0\]\.foreign_worker expected one of 'yes', 'no', got 'maybe'/,
    )
    for (const d of [train, test, again]) d.dispose()
    encoded.dispose()
  })

  it('parses quoted ARFF values and rejects a wrong row', () => {
    expect(splitValues(`'a, b',c,"d'e"`)).toEqual(['a, b', 'c', "d'e"])
    const text = "@relation r\n@attribute x numeric\n@attribute 'y z' {'p q', r}\n@data\n1.5,'p q'\n2,r\n"
    expect(parseArff(text, 't.arff')).toEqual({
      relation: 'r',
      attributes: [
        { name: 'x', kind: 'numeric' },
        { name: 'y z', kind: 'nominal', categories: ['p q', 'r'] },
      ],
      rows: [
        [1.5, 'p q'],
        [2, 'r'],
      ],
    })
    expect(() => parseArff(text + '3,s\n', 't.arff')).toThrow(/t\.arff line 7 expected one of p q, r/)
  })
})

describe('gw.datasets.sentiment', () => {
  it('reads 3,000 labelled sentences, 1,000 per site, balanced, split 2,400/600', async () => {
    const before = tf.memory().numTensors
    const all = await datasets.sentiment()
    expect(all.texts).toHaveLength(3000)
    expect(all.texts.every((t) => t.length > 0)).toBe(true)
    expect(all.sources.filter((s) => s === 'yelp')).toHaveLength(1000)
    expect(tf.tidy(() => all.labels.sum().dataSync()[0])).toBe(1500)
    expect(all.classNames).toEqual(['negative', 'positive'])
    const train = await datasets.sentiment({ split: 'train' })
    const test = await datasets.sentiment({ split: 'test', sources: ['imdb'] })
    expect(train.texts).toHaveLength(2400)
    expect(test.sources.every((s) => s === 'imdb')).toBe(true)
    expect(train.texts.filter((t) => test.texts.includes(t)).length).toBeLessThan(3) // only duplicate sentences
    for (const d of [all, train, test]) d.dispose()
    expect(tf.memory().numTensors).toBe(before)
    await expect(datasets.sentiment({ sources: ['twitter' as 'imdb'] })).rejects.toThrow(/options\.sources/)
  })

  it('tokenizes, fits a vocabulary and encodes bags of words', () => {
    expect(datasets.tokenize("Wasn't it GREAT? 10/10")).toEqual(["wasn't", 'it', 'great', '10', '10'])
    const vocabulary = datasets.Vocabulary.fit(['good film', 'good plot', 'bad film', 'odd'], { minCount: 2 })
    expect(vocabulary.words).toEqual(['film', 'good'])
    expect(vocabulary.indicesOf('Good, bad film')).toEqual([1, -1, 0])
    const x = vocabulary.encode(['good good film', 'nothing'])
    expect(x.arraySync()).toEqual([
      [1, 1],
      [0, 0],
    ])
    x.dispose()
    expect(datasets.Vocabulary.fromJSON(vocabulary.toJSON()).words).toEqual(vocabulary.words)
  })
})
