import { describe, expect, it } from 'vitest'
import {
  fullText,
  isShortened,
  revealControls,
  shortText,
  userText,
} from '../../../extension/src/views/text/user-text'

describe('userText', () => {
  it('isolates a string and shows its direction controls by name', () => {
    expect(userText('\u202egnp.exe')).toBe('\u2068⟨RLO⟩gnp.exe\u2069')
    expect(revealControls('a\u2066b\u2069\u202ac\u202c')).toBe('a⟨LRI⟩b⟨PDI⟩⟨LRE⟩c⟨PDF⟩')
    // Right-to-left letters are not controls: they stay as they are, isolated.
    expect(userText('שלום')).toBe('\u2068שלום\u2069')
  })

  it('cuts long strings, never inside a surrogate pair, and says when it did', () => {
    const long = 'x'.repeat(100_000)
    expect(userText(long)).toHaveLength(80)
    expect(userText(`שלום ${long}`)).toHaveLength(80 + 2)
    expect(shortText(long, 10)).toBe('xxxxxxxxx…')
    expect(isShortened(long)).toBe(true)
    expect(isShortened('short')).toBe(false)
    const emoji = `abcdefgh${'😀'.repeat(5)}`
    expect(shortText(emoji, 10)).toBe('abcdefgh…')
    expect(fullText(long)).toHaveLength(100_000)
    expect(userText('digit 3')).toBe('digit 3')
  })
})
