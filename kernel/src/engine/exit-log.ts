/**
 * A record of every engine that stopped without being asked to (a crash, a kill, an interrupt it did not
 * honour), for test runs: with `GLASSWING_ENGINE_EXIT_LOG` set to a file, the kernel appends one JSON line
 * per such exit. The test command reads it to check that no engine restarted outside the tests that kill
 * one on purpose (test/conftest.py). Unset, nothing is written.
 */
import { appendFileSync } from 'node:fs'
import type { EngineExit } from './client'

/**
 * Appends `exit` to the log named by `env.GLASSWING_ENGINE_EXIT_LOG`, if any; never throws.
 *
 * @example
 * onExit: (exit) => { recordEngineExit(exit); ... }
 */
export function recordEngineExit(exit: EngineExit, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GLASSWING_ENGINE_EXIT_LOG
  if (!file) return
  const line = {
    time: new Date().toISOString(),
    kernelPid: process.pid,
    kind: exit.kind,
    reason: exit.reason,
  }
  try {
    appendFileSync(file, JSON.stringify(line) + '\n')
  } catch {
    // A log that cannot be written must not take the kernel down; the test reading it will miss a line.
  }
}
