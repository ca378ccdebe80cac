import { describe, expect, it } from 'vitest'
import { indicesToMask } from '../../../src/display/codec'
import { ensureLiveLink, selection } from '../../../src/display/live'
import { receiveCommMessage, receiveCommOpen } from '../../../src/session'

describe('gw.selection of a large lasso', () => {
  it('reads a selection sent as a bitmask (the density view sends those above 100,000 points)', () => {
    ensureLiveLink()
    const indices = Array.from({ length: 1_500_000 }, (_, k) => k * 3 + (k % 2))
    const mask = indicesToMask(indices, 4_700_000)
    // The message stays far below the Jupyter server's 10 MiB limit on a browser's message.
    const message = { type: 'selection', displayId: 'huge-mask', indices: [], mask }
    expect(JSON.stringify(message).length).toBeLessThan(1_000_000)
    receiveCommOpen('comm-mask', 'glasswing.v1', {}, [])
    receiveCommMessage('comm-mask', message, [])
    expect(selection('huge-mask')).toEqual(indices)
    expect(selection()).toHaveLength(1_500_000)
  })
})
