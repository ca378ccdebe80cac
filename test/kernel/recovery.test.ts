// The kernel's supervision of its engine, without starting one: memory settings, the account of an exit,
// the stderr tail, and %replay's bookkeeping (which cells, in which order, what the notice promises).
// test_engine_recovery.py runs the same paths through the real kernel and engine.
import { describe, expect, it } from 'vitest'
import type { EngineExit } from '../../kernel/src/engine/client'
import type { ExecuteResult } from '../../kernel/src/engine/messages'
import { describeExit, memoryLimits, StderrTail } from '../../kernel/src/engine/supervise'
import { kernelSpec, parseInstallEnv } from '../../kernel/src/install'
import { createRecovery, replayMagic } from '../../kernel/src/recovery'

describe('memory limits', () => {
  it('reads the ceiling and heap limit, with 0/off for none', () => {
    expect(memoryLimits({ GLASSWING_ENGINE_MEMORY_MB: '4096' })).toMatchObject({
      ceilingMb: 4096,
      heapMb: 4096,
      source: 'GLASSWING_ENGINE_MEMORY_MB',
    })
    expect(memoryLimits({ GLASSWING_ENGINE_MEMORY_MB: 'off' })).toMatchObject({
      ceilingMb: null,
      heapMb: null,
    })
    expect(
      memoryLimits({ GLASSWING_ENGINE_MEMORY_MB: '2048', GLASSWING_ENGINE_HEAP_MB: '512' }),
    ).toMatchObject({
      ceilingMb: 2048,
      heapMb: 512,
    })
    const fallback = memoryLimits({})
    expect(fallback.ceilingMb).toBeGreaterThan(100)
    expect(fallback.source).toMatch(/^the default, 80% of \d+ MB$/)
  })

  it('explains a bad setting and falls back to the default', () => {
    const limits = memoryLimits({ GLASSWING_ENGINE_MEMORY_MB: '4GB', GLASSWING_ENGINE_HEAP_MB: '-1' })
    expect(limits.ceilingMb).toBe(memoryLimits({}).ceilingMb)
    expect(limits.warning).toMatch(
      /^GLASSWING_ENGINE_MEMORY_MB is "4GB", expected a number of MiB of at least 64/,
    )
    expect(limits.warning).toMatch(/GLASSWING_ENGINE_HEAP_MB is "-1"/)
  })
})

describe('describeExit', () => {
  const base = { code: null, signal: null, stderr: '', heapMb: 640 }
  it('names each way an engine stops', () => {
    expect(
      describeExit({ ...base, signal: 'SIGKILL', memory: { rssMb: 1300.4, ceilingMb: 1200, source: 'X' } }),
    ).toMatchObject({ kind: 'memory-ceiling' })
    const heap = describeExit({
      ...base,
      signal: 'SIGABRT',
      stderr: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    })
    expect(heap.kind).toBe('heap-limit')
    expect(heap.reason).toContain("V8's heap limit, 640 MB")
    const starting = { ...base, signal: 'SIGKILL' as const, duringStartup: true }
    expect(describeExit({ ...starting, memory: { rssMb: 105, ceilingMb: 100, source: 'X' } }).reason).toMatch(
      /while starting, .* it needs about 400 MB to start and more to work: raise GLASSWING_ENGINE_MEMORY_MB$/,
    )
    expect(describeExit({ ...base, signal: 'SIGKILL', interruptGraceS: 2 }).kind).toBe('interrupt-timeout')
    expect(describeExit({ ...base, signal: 'SIGKILL' }).reason).toContain('killed by SIGKILL from outside')
    expect(describeExit({ ...base, signal: 'SIGSEGV' }).reason).toBe('it crashed (SIGSEGV)')
    expect(describeExit({ ...base, code: 3 }).reason).toContain('exited with code 3')
  })
})

describe('StderrTail', () => {
  it('keeps the last lines, without native stack frames, and forwards everything', () => {
    const forwarded: string[] = []
    const tail = new StderrTail(200, (chunk) => forwarded.push(String(chunk)))
    tail.write('old line\n'.repeat(40))
    tail.write('FATAL ERROR: Reached heap limit\n----- Native stack trace -----\n')
    tail.write(' 1: 0xb85bc0 node::Abort() [node]\n 2: 0xa9a8b3  [node]\n')
    expect(tail.lines(2)).toEqual(['old line', 'FATAL ERROR: Reached heap limit'])
    expect(tail.toString().length).toBeLessThanOrEqual(200)
    expect(forwarded).toHaveLength(3)
  })
})

describe('%replay', () => {
  const exit: EngineExit = {
    kind: 'signal',
    reason: 'it was killed by SIGKILL',
    stderr: [],
    duringStartup: false,
    restart: 'now',
  }
  const host = (failOn?: string) => {
    const ran: string[] = []
    const printed: string[] = []
    return {
      ran,
      printed,
      execute: async (code: string): Promise<ExecuteResult> => {
        ran.push(code)
        return code === failOn
          ? { status: 'error', ename: 'Error', evalue: 'no file', traceback: [] }
          : { status: 'ok', names: code.startsWith('const') ? [code.split(' ')[1]!] : [] }
      },
      print: async (text: string) => void printed.push(text),
    }
  }

  it('recognises the magic alone on its line', () => {
    expect(replayMagic('%replay')).toBe('')
    expect(replayMagic('  %replay 2-5 ')).toBe('2-5')
    expect(replayMagic('%replay\n1 + 1')).toBeNull()
    expect(replayMagic('%replayed')).toBeNull()
  })

  it('reruns the cells of the lost engine in order; the notice names what that restores', async () => {
    const recovery = createRecovery()
    recovery.succeeded({ count: 1, code: 'const a = 1', names: ['a'] })
    recovery.succeeded({ count: 2, code: 'a + 1', names: [] })
    recovery.succeeded({ count: 4, code: 'const b = a', names: ['b'] })
    const notice = recovery.engineLost(exit, 5)
    expect(notice).toContain('reruns the 3 cells that ran to the end ([1]-[2], [4])')
    expect(notice).toContain('and so restores a, b.')
    expect(notice).toContain('Not restored: the cell that was running ([5]; run it again yourself)')
    const h = host()
    expect(await recovery.replay('', h)).toEqual({ status: 'ok' })
    expect(h.ran).toEqual(['const a = 1', 'a + 1', 'const b = a'])
    expect(h.printed.at(-1)).toBe('Restored a, b (3 cells).\n')
    expect(recovery.replayable()).toEqual([])
    // Lost again, the replayed cells are replayable again.
    expect(recovery.engineLost(exit, null)).toContain('restores a, b.')
  })

  it('replays a selection, and stops at a cell that fails again, saying how to go on', async () => {
    const recovery = createRecovery()
    for (const [count, code] of [
      [1, 'const a = 1'],
      [2, 'const b = read()'],
      [3, 'const c = b'],
    ] as const)
      recovery.succeeded({ count, code, names: [code.split(' ')[1]!] })
    recovery.engineLost(exit, null)
    const only = host()
    await recovery.replay('1,3', only)
    expect(only.ran).toEqual(['const a = 1', 'const c = b'])
    const failing = host('const b = read()')
    const result = await recovery.replay('', failing)
    expect(result).toMatchObject({ status: 'error', ename: 'ReplayError' })
    expect(result.status === 'error' && result.evalue).toBe(
      '%replay: cell [2] failed again (Error: no file); stopped there. Fix what it needs, then run %replay 2 to go on.',
    )
    expect(recovery.replayable().map((cell) => cell.count)).toEqual([2])
    expect(await recovery.replay('two', host())).toMatchObject({ status: 'error', ename: 'ReplayError' })
  })

  it('says when there is nothing to replay', async () => {
    const recovery = createRecovery()
    expect(recovery.engineLost({ ...exit, restart: 'next-request' }, null)).toContain('nothing to replay')
    const h = host()
    await recovery.replay('list', h)
    expect(h.printed).toEqual(['Nothing to replay: no engine has been lost since these cells ran.\n'])
  })
})

describe('glasswing install --memory-mb', () => {
  it('puts the ceiling in the kernelspec environment, and refuses what is not a size', () => {
    expect(parseInstallEnv(['--user', '--memory-mb', '4096'])).toEqual({ GLASSWING_ENGINE_MEMORY_MB: '4096' })
    expect(parseInstallEnv(['--memory-mb=off'])).toEqual({ GLASSWING_ENGINE_MEMORY_MB: 'off' })
    expect(parseInstallEnv(['--user'])).toEqual({})
    expect(() => parseInstallEnv(['--memory-mb', '4G'])).toThrow(/at least 64\) or 'off'; got 4G/)
    expect(kernelSpec({ GLASSWING_ENGINE_MEMORY_MB: '4096' }).env).toEqual({
      GLASSWING_ENGINE_MEMORY_MB: '4096',
    })
  })
})
