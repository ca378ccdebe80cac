import { describe, expect, it } from 'vitest'
import { codePointToUtf16, errorOf, typeErrorOf, utf16ToCodePoint } from '../../kernel/src/engine/format'
import { GlasswingError } from '../../src/errors'

describe('cell errors', () => {
  it('shows a GlasswingError as one line with its hint and no stack', () => {
    const error = errorOf(
      new GlasswingError({
        where: 'gw.explain',
        argument: 'model',
        expected: 'a model',
        received: '3',
        hint: 'Load one with gw.load.',
      }),
    )
    expect(error.ename).toBe('GlasswingError')
    expect(error.evalue).toBe('gw.explain: model expected a model, got 3. Load one with gw.load.')
    expect(error.traceback).toHaveLength(1)
  })

  it('keeps user frames of other errors and hides the kernel machinery', () => {
    const error = new TypeError('bad')
    error.stack =
      'TypeError: bad\n    at userFunction (/home/me/helper.ts:3:9)\n    at Script.runInThisContext (node:vm:135:14)\n    at execute (/x/node_modules/tslab/dist/executor.js:160:38)'
    const shown = errorOf(error)
    expect(shown.ename).toBe('TypeError')
    expect(shown.traceback.join('\n')).toContain('userFunction')
    expect(shown.traceback.join('\n')).not.toContain('tslab')
    expect(shown.traceback.join('\n')).not.toContain('node:vm')
  })

  it('names interrupts and non-Error throws', () => {
    const interrupted = Object.assign(new Error('Script execution was interrupted by `SIGINT`'), {
      code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED',
    })
    expect(errorOf(interrupted).ename).toBe('Interrupted')
    expect(errorOf(new Error('Interrupted asynchronously')).ename).toBe('Interrupted')
    expect(errorOf('plain string').evalue).toBe("'plain string'")
  })

  it('shows TypeScript diagnostics as line:col - message', () => {
    const error = typeErrorOf([
      { line: 2, column: 7, message: "Type 'string' is not assignable to type 'number'." },
    ])
    expect(error.ename).toBe('TypeScriptError')
    expect(error.evalue).toBe("2:7 - Type 'string' is not assignable to type 'number'.")
  })

  it('converts cursor positions between code points and UTF-16 units', () => {
    const text = 'const 🦋 = 1; gw.re'
    expect(codePointToUtf16(text, [...text].length)).toBe(text.length)
    expect(utf16ToCodePoint(text, text.length)).toBe([...text].length)
    expect(codePointToUtf16(text, 7)).toBe(8)
  })
})
