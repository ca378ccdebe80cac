import { describe, expect, it } from 'vitest'
import { decodeArray } from '../../../src/display/codec'
import { formatNumber } from '../../../extension/src/views/dom'
import {
  attributionToRgba,
  modeValue,
  percentileOfMagnitude,
  signedCss,
} from '../../../extension/src/views/colormap'
import {
  axisRange,
  colorBy,
  colorOptions,
  defaultColor,
  galleryOf,
  thumbnailSlots,
} from '../../../extension/src/views/embedding-model'
import {
  beeswarmOffsets,
  byMagnitude,
  featureLabels,
  globalImportance,
  meanMagnitude,
  shortLabel,
  numericFeatures,
  countOf,
  ticks,
  lowHighCss,
  waterfall,
} from '../../../extension/src/views/features-model'
import { rawToRgba } from '../../../extension/src/views/image'
import {
  ablationText,
  arrangeUnits,
  availableSorts,
  conceptText,
  conceptsOf,
  sparklinePoints,
  tuningAxis,
} from '../../../extension/src/views/neurons-model'
import { caption, parseChoice, targetChoices, targetFor } from '../../../extension/src/views/saliency-model'
import { embeddingPayload, neuronsPayload, saliencyPayload } from './fixtures'

describe('saliency colours', () => {
  it('saturates at the chosen percentile of |values|', () => {
    const values = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1))
    expect(percentileOfMagnitude(values, 50)).toBe(50)
    expect(percentileOfMagnitude(values, 100)).toBe(100)
    expect(modeValue(200, 'signed', 100)).toBe(1)
    expect(modeValue(-50, 'absolute', 100)).toBe(0.5)
    expect(modeValue(-50, 'positive', 100)).toBe(0)
    expect(modeValue(-50, 'negative', 100)).toBe(0.5)
  })

  it('colours positive red and negative blue, zero transparent', () => {
    const rgba = attributionToRgba(new Float32Array([1, -1, 0]), { mode: 'signed', clipPercentile: 100 })
    const [r1, , b1, a1] = rgba.slice(0, 4)
    const [r2, , b2] = rgba.slice(4, 8)
    expect(r1! > b1!).toBe(true)
    expect(b2! > r2!).toBe(true)
    expect(a1).toBe(255)
    expect(rgba[11]).toBe(0)
    // The strongest values are bright, to stand out over dark inputs too.
    expect(Math.max(r1!, b1!)).toBeGreaterThan(200)
    expect(Math.max(r2!, b2!)).toBeGreaterThan(200)
    const magnitude = attributionToRgba(new Float32Array([1, -1]), { mode: 'absolute', clipPercentile: 100 })
    expect(Array.from(magnitude.slice(0, 4))).toEqual(Array.from(magnitude.slice(4, 8)))
    expect(signedCss(1)).toBe('rgb(103, 0, 31)')
  })

  it('expands grey pixels to RGBA', () => {
    const rgba = rawToRgba({ encoding: 'raw', width: 2, height: 1, channels: 1, data: 'AP8=' })
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 255, 255, 255, 255])
  })
})

describe('saliency model', () => {
  const payload = saliencyPayload({ count: 3, targets: 2 })

  it('offers the prediction ranks held for every input, and classes held for all', () => {
    // Every input holds maps for its two top predictions (its label is the first); no class is held by all.
    expect(targetChoices(payload).map((c) => c.value)).toEqual(['rank:0', 'rank:1', 'label'])
    const extra = payload.maps.filter((m) => m.target === 0).map((m) => ({ ...m, input: 1 }))
    const withClass = {
      ...payload,
      maps: [...payload.maps, ...extra, ...extra.map((m) => ({ ...m, input: 2 }))],
    }
    expect(targetChoices(withClass).map((c) => c.value)).toContain('class:0')
    expect(parseChoice('class:4')).toEqual({ kind: 'class', target: 4 })
    expect(targetFor(payload, 1, parseChoice('rank:1'))).toBe(2)
    expect(targetFor(payload, 1, { kind: 'label' })).toBe(1)
  })

  it('captions prediction, probability and label, flagging mistakes', () => {
    expect(caption(payload, 0)).toEqual({ text: 'pred class 0 (90.0%) · label class 0', wrong: false })
    payload.inputs[0]!.label = 3
    expect(caption(payload, 0).wrong).toBe(true)
  })
})

describe('embedding model', () => {
  const payload = embeddingPayload({ count: 100, thumbnails: 10 })

  it('groups points by category and derives correctness', () => {
    expect(colorOptions(payload)).toEqual(['label', 'prediction', 'confidence', 'correctness'])
    expect(defaultColor(payload)).toBe('label')
    const byLabel = colorBy(payload, 'label')
    expect(byLabel.type).toBe('category')
    if (byLabel.type === 'category') {
      expect(byLabel.groups.map((g) => g.indices.length)).toEqual(Array(10).fill(10))
      expect(Array.from(byLabel.groups[3]!.indices.slice(0, 2))).toEqual([3, 13])
    }
    const correctness = colorBy(payload, 'correctness')
    const label = decodeArray(payload.columns[0]!.values)
    const prediction = decodeArray(payload.columns[1]!.values)
    const wrong = label.filter((l, i) => l !== prediction[i]).length
    if (correctness.type === 'category')
      expect(correctness.groups.find((g) => g.name === 'wrong')?.indices.length ?? 0).toBe(wrong)
    expect(colorBy(payload, 'confidence').type).toBe('number')
  })

  it('maps thumbnails to their points', () => {
    const slots = thumbnailSlots(payload)
    expect(slots[9]).toBe(9)
    expect(slots[10]).toBe(-1)
  })
})

describe('neuron dictionary model', () => {
  const { units } = neuronsPayload({ units: 8 })

  it('sorts descending by a measure, filters by concept and searches', () => {
    const bySelectivity = arrangeUnits(units, { sort: 'selectivity', concept: null, query: '' })
    const values = bySelectivity.map((p) => units[p]!.selectivity!)
    expect(values).toEqual([...values].sort((a, b) => b - a))
    expect(arrangeUnits(units, { sort: 'index', concept: null, query: '' })).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(arrangeUnits(units, { sort: 'index', concept: 'loop', query: '' })).toEqual([1, 5])
    expect(arrangeUnits(units, { sort: 'index', concept: null, query: 'unit 3' })).toEqual([3])
    expect(arrangeUnits(units, { sort: 'index', concept: null, query: 'COR' })).toEqual([2, 6])
    expect(conceptsOf(units)).toEqual(['corner', 'edge', 'loop', 'stroke'])
    expect(availableSorts(units)).toEqual(['index', 'selectivity', 'iou', 'ablation'])
    expect(availableSorts([{ index: 0 }])).toEqual(['index'])
  })

  it('draws sparklines within the box', () => {
    expect(sparklinePoints([0, 1, 0.5], 10, 4)).toBe('0.0,4.0 5.0,0.0 10.0,2.0')
  })
})

describe('feature attribution model', () => {
  it('walks the waterfall from base to output, largest first, rest summed', () => {
    const steps = waterfall([0.1, -0.3, 0.05, 0.01], ['a', 'b', 'c', 'd'], 0.5, 2)
    expect(steps.map((s) => s.name)).toEqual(['b', 'a', '2 other features'])
    expect(steps[0]).toEqual({ name: 'b', value: -0.3, start: 0.5, end: 0.2 })
    expect(steps[2]!.end).toBeCloseTo(0.5 + 0.1 - 0.3 + 0.05 + 0.01)
    expect(byMagnitude([0.1, -0.3, 0.3])).toEqual([1, 2, 0])
  })

  it('averages magnitudes per feature and stacks beeswarm dots', () => {
    expect(Array.from(meanMagnitude(new Float32Array([1, -2, -3, 4]), 2, 2))).toEqual([2, 3])
    expect(Array.from(beeswarmOffsets([0, 0, 0, 1], 2, 0, 1))).toEqual([0, -1, 1, 0])
  })

  it('labels features `name = value` where the kernel sent raw values as text', () => {
    expect(featureLabels(['purpose', 'age', 'job'], ['used car', '', '<b>x</b>'])).toEqual([
      'purpose = used car',
      'age',
      'job = <b>x</b>',
    ])
    expect(featureLabels(['purpose', 'age'], null)).toEqual(['purpose', 'age'])
    expect(featureLabels(['purpose', 'age'])).toEqual(['purpose', 'age'])
    const labels = featureLabels(['a', 'b'], ['1', 'yes'])
    expect(waterfall([0.1, -0.3], labels, 0.5, 10).map((s) => s.name)).toEqual(['b = yes', 'a = 1'])
    expect(shortLabel('purpose = used car', 12)).toBe('purpose = u…')
    expect(shortLabel('purpose = used car', 18)).toBe('purpose = used car')
  })

  it("uses the kernel's global importance when sent, else the mean magnitude", () => {
    const matrix = new Float32Array([1, -2, -3, 4])
    expect(Array.from(globalImportance([5, 0.5], matrix, 2, 2))).toEqual([5, 0.5])
    expect(byMagnitude(globalImportance([5, 0.5], matrix, 2, 2))).toEqual([0, 1])
    expect(Array.from(globalImportance(null, matrix, 2, 2))).toEqual([2, 3])
    expect(Array.from(globalImportance(undefined, matrix, 2, 2))).toEqual([2, 3])
  })
})

describe('read-outs', () => {
  it('show three significant digits without trailing zeros', () => {
    expect([0.001, 0.047, -0.003, 1.5, 10, 100, 0.123].map(formatNumber)).toEqual([
      '0.001',
      '0.047',
      '-0.003',
      '1.5',
      '10',
      '100',
      '0.123',
    ])
    expect([12345, 15000, 0.0001, 0].map(formatNumber)).toEqual(['1.23e+4', '1.5e+4', '1e-4', '0'])
  })
})

describe('embedding axes and gallery', () => {
  it('fits each axis to the finite data with 5 % padding', () => {
    expect(axisRange(Float32Array.of(-2, 0, 8))).toEqual([-2.5, 8.5])
    expect(axisRange(Float32Array.of(3, 3))).toEqual([2, 4])
    expect(axisRange(Float32Array.of(NaN, 1, Infinity, 2))).toEqual([0.95, 2.05])
    expect(axisRange(Float32Array.of(NaN))).toBeNull()
  })

  it('shows pictured points first and says how many have no picture', () => {
    const slots = Int32Array.from({ length: 10 }, (_, i) => (i < 4 ? i : -1))
    expect(galleryOf([2, 5, 3], slots, 64)).toEqual({
      shown: [2, 3, 5],
      title: '3 selected · 1 without a picture (the payload has 4 thumbnails)',
    })
    expect(galleryOf([6, 0, 1, 2], slots, 2)).toEqual({
      shown: [0, 1],
      title: '4 selected (2 shown) · 1 without a picture (the payload has 4 thumbnails)',
    })
    expect(galleryOf([0, 1], slots, 64).title).toBe('2 selected')
  })
})

describe('neuron dictionary read-outs', () => {
  it('marks concepts below the detector IoU (0.04) as weak matches', () => {
    expect(conceptText({ label: 'loop', iou: 0.03 })).toEqual({
      text: 'weak match: loop · IoU 0.03',
      weak: true,
    })
    expect(conceptText({ label: 'loop', iou: 0.21 })).toEqual({ text: 'loop · IoU 0.21', weak: false })
  })

  it('says what ablation costs in accuracy points, as the labs do', () => {
    const ablation = {
      accuracy: 0.9,
      accuracyDrop: 0.047,
      classProbabilityChange: [],
      targetProbabilityDrop: 0.03,
    }
    expect(ablationText({ index: 0, ablationEffect: 0.047, ablation })).toBe('ablation -4.7 points')
    expect(ablationText({ index: 0, ablation: { ...ablation, accuracyDrop: -0.002 } })).toBe(
      'ablation +0.2 points',
    )
    expect(ablationText({ index: 0, ablationEffect: 0.031 })).toBe('ablation: P(true class) -0.031')
    expect(ablationText({ index: 0 })).toBeNull()
  })

  it('puts orientations in degrees along the tuning curve, else indices', () => {
    const responses = [1, 2, 3]
    const curve = {
      sweep: 'orientation',
      values: [0, 60, 120],
      responses,
      preferred: 120,
      selectivity: 0.5,
      selectivityIndex: 'cv',
    }
    expect(tuningAxis({ index: 0, tuning: responses, tuningCurves: [curve] })).toEqual({
      values: [0, 60, 120],
      unit: '°',
      name: 'orientation',
    })
    expect(tuningAxis({ index: 0, tuning: [5, 6] })).toEqual({
      values: [0, 1],
      unit: '',
      name: 'tuning value',
    })
  })
})

describe('feature charts as a data scientist reads them', () => {
  it('cuts the name, not the value, of a long `name = value` label', () => {
    expect(shortLabel('checking_status = 0<=X<200', 24)).toBe('checking_sta… = 0<=X<200')
    expect(shortLabel('credit_history = critical/other existing credit', 24)).toBe('credit_… = critical/oth…')
    expect(shortLabel('a very long attribute name', 12)).toBe('a very long…')
    expect(shortLabel('age = 35', 24)).toBe('age = 35')
  })

  it('tells numeric features from categorical codes by their raw values', () => {
    expect(
      numericFeatures(
        [
          ['35', 'A11', ''],
          ['41', 'A14', '2'],
        ],
        3,
      ),
    ).toEqual([true, false, true])
    expect(numericFeatures(null, 2)).toEqual([true, true])
  })

  it('counts in words and puts round ticks on the x scale', () => {
    expect(countOf(1, 'example')).toBe('1 example')
    expect(countOf(50, 'example')).toBe('50 examples')
    expect(ticks(-0.12, 0.3, 4)).toEqual([-0.1, 0, 0.1, 0.2, 0.3])
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(ticks(2, 2, 5)).toEqual([2])
  })

  it('colours values blue to red through purple, never near white', () => {
    expect(lowHighCss(0)).toBe('rgb(33, 102, 172)')
    expect(lowHighCss(0.5)).toBe('rgb(136, 86, 167)')
    expect(lowHighCss(1)).toBe('rgb(178, 24, 43)')
    for (let t = 0; t <= 1; t += 0.05) {
      const [r, g, b] = lowHighCss(t).match(/\d+/g)!.map(Number)
      expect(r! + g! + b!).toBeLessThan(420)
    }
  })
})
