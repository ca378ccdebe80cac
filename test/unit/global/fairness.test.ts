// gw.fairness on the credit MLP: Fairlearn parity on German credit (the fixed rule's decisions), the
// report on the model's own decisions with an exact gap decomposition, proxies and a counterfactual flip.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { groupMetrics } from '../../../src/global/fairness/metrics'

const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/global/fairness.json'), 'utf8'))
let model: gw.GlasswingModel
let all: Awaited<ReturnType<typeof gw.datasets.creditG>>
let test: Awaited<ReturnType<typeof gw.datasets.creditG>>

beforeAll(async () => {
  model = await gw.load('notebooks/models/credit-mlp')
  all = await gw.datasets.creditG({ split: 'all' })
  test = await gw.datasets.creditG({ split: 'test' })
})
afterAll(() => {
  all.dispose()
  test.dispose()
  model.dispose()
})

const column = (data: typeof all, name: string) =>
  data.table.rows.map((r) => r[data.table.columns.indexOf(name)]!)
const sexOf = (data: typeof all) =>
  column(data, 'personal_status').map((v) => (String(v).startsWith('female') ? 'female' : 'male'))

describe('gw.fairness', () => {
  it('matches Fairlearn on German credit (sex and age groups) to 1e-9', () => {
    // The fixed rule of scripts/reference/global_reference.py, on the file's 1,000 rows.
    const duration = column(all, 'duration') as number[]
    const amount = column(all, 'credit_amount') as number[]
    const checking = column(all, 'checking_status')
    const yPred = duration.map((d, i) => (d <= 24 && amount[i]! <= 6000 && checking[i] !== '<0' ? 1 : 0))
    const yTrue = Array.from(all.labels.dataSync(), (v) => (all.classNames[v] === 'good' ? 1 : 0))
    const age = (column(all, 'age') as number[]).map((a) => (a < 25 ? 'young' : 'older'))
    for (const [mine, ref] of [
      [groupMetrics(yTrue, yPred, sexOf(all)), reference.creditSex],
      [groupMetrics(yTrue, yPred, age), reference.creditAge],
    ] as const) {
      for (const g of mine.groups)
        for (const [k, v] of Object.entries(ref.groups[g] as Record<string, number>))
          expect(Math.abs((mine.byGroup[g] as unknown as Record<string, number>)[k]! - v)).toBeLessThan(1e-9)
      for (const k of [
        'demographicParityDifference',
        'demographicParityRatio',
        'equalizedOddsDifference',
        'equalizedOddsRatio',
      ] as const)
        expect(Math.abs(mine[k] - ref[k])).toBeLessThan(1e-9)
    }
  })

  it('reports the model by sex with intervals, an exact gap decomposition, proxies and a counterfactual flip', async () => {
    const before = tf.memory().numTensors
    const status = test.table.columns.indexOf('personal_status')
    const report = await gw.fairness(model, test, {
      sensitive: { name: 'sex', values: sexOf(test) },
      favorable: 'good',
      method: 'integrated-gradients',
      resamples: 100,
      counterfactual: (row) => {
        const v = String(row[status])
        row[status] = v.startsWith('female') ? 'male single' : 'female div/dep/mar'
        return row
      },
      seed: 3,
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(report.metrics.groups).toEqual(['female', 'male'])
    const [low, high] = report.intervals!.demographicParityDifference
    expect(low).toBeLessThanOrEqual(report.metrics.demographicParityDifference + 1e-12)
    expect(high).toBeGreaterThanOrEqual(report.metrics.demographicParityDifference - 1e-12)
    // Integrated gradients from one baseline are complete: the parts add up to the gap.
    expect(Math.abs(report.gap!.residual)).toBeLessThan(0.01 + 0.05 * Math.abs(report.gap!.outputGap))
    expect(report.groupAttributions).toHaveLength(test.featureNames.length)
    expect(report.attributionTests).toHaveLength(test.featureNames.length)
    // personal_status's one-hot columns are the sex variable itself: the top proxies.
    expect(report.proxies[0]!.feature).toMatch(/^personal_status=/)
    expect(report.counterfactual!.total).toBe(200)
    expect(report.toCSV().split('\n')).toHaveLength(3)
    const spec = report.toMatrixSpec()!
    expect(spec.columns).toEqual(['female', 'male', 'gap male - female'])
    const parts = spec.values.reduce((sum, row) => sum + row[2]!, 0)
    expect(Math.abs(parts + report.gap!.residual - report.gap!.outputGap)).toBeLessThan(1e-9)
    const bundle = report[JUPYTER_DISPLAY]()
    expect(bundle['text/plain']).toContain('Fairness by sex (favourable: good)')
    const payload = bundle[MIME_TYPES.matrix] as MatrixPayload
    expect(validatePayload('matrix', payload).ok).toBe(true)
    expect([payload.scale, payload.notes![0]]).toEqual(['diverging', bundle['text/plain'].split('\n')[0]])
  })

  it('groups a numeric column cut at a value and excludes it from the proxies', async () => {
    const report = await gw.fairness(model, test, {
      sensitive: 'age',
      cut: 25,
      favorable: 'good',
      method: false,
      resamples: 0,
    })
    expect(report.metrics.groups).toEqual(['age < 25', 'age >= 25'])
    expect(report.proxies.some((p) => p.feature === 'age')).toBe(false)
    expect(report.gap).toBeNull()
  })

  it('refuses a sensitive column that does not exist, naming it and the columns there are', async () => {
    await expect(gw.fairness(model, test, { sensitive: 'gender' })).rejects.toThrow(
      /gw.fairness: options.sensitive expected a column of data.table \(checking_status, duration, .*got 'gender'/,
    )
    await expect(gw.fairness(model, test, { sensitive: 'age' })).rejects.toThrow(
      /options.cut expected a number/,
    )
  })
})
