/**
 * The notebook the browser tests run: payloads written as JSON files beside it, shown by cells on the
 * Glasswing kernel when its kernelspec is installed, else on ipykernel (IPython's raw display) with a
 * Python `glasswing.v1` comm target standing in for the kernel's.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MIME_TYPES, type ViewKind } from '../../src/display/schema'
import { ROOT } from './lab'

export type KernelChoice = { name: string; language: string; glasswing: boolean }

/** The Glasswing kernel when installed in the venv, else ipykernel. */
export function chooseKernel(): KernelChoice {
  const spec = join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'glasswing', 'kernel.json')
  if (existsSync(spec) && process.env.GLASSWING_BROWSER_KERNEL !== 'python3')
    return { name: 'glasswing', language: 'typescript', glasswing: true }
  return { name: 'python3', language: 'python', glasswing: false }
}

/** Writes a payload beside the notebook. */
export function writePayload(dir: string, file: string, payload: unknown): void {
  writeFileSync(join(dir, file), JSON.stringify(payload))
}

/** The first cell: a `show(file, kind, displayId?)` helper and the selection store. */
export function setupCell(kernel: KernelChoice): string {
  if (kernel.glasswing)
    return [
      "const fs = require('fs')",
      'function bundle(file: string, kind: string) {',
      "  const data = JSON.parse(fs.readFileSync(file, 'utf8'))",
      `  return { ['application/vnd.glasswing.' + kind + '.v1+json']: data, 'text/plain': '<' + kind + '>' }`,
      '}',
      'const handles: Record<string, { update(value: unknown): void }> = {}',
      'function show(file: string, kind: string, displayId?: string) {',
      "  const value = { [Symbol.for('Jupyter.display')]: () => bundle(file, kind) }",
      '  const handle = gw.display(value, displayId ? { displayId } : {})',
      '  if (displayId) handles[displayId] = handle',
      '}',
      "console.log('ready')",
    ].join('\n')
  return [
    'import json',
    'from IPython.display import display, update_display',
    'from comm import get_comm_manager',
    'selections = []',
    'def _target(comm, open_msg):',
    "    comm.on_msg(lambda msg: selections.append(msg['content']['data']))",
    "get_comm_manager().register_target('glasswing.v1', _target)",
    'def bundle(file, kind):',
    '    with open(file) as f:',
    "        return {f'application/vnd.glasswing.{kind}.v1+json': json.load(f), 'text/plain': f'<{kind}>'}",
    'def show(file, kind, display_id=None):',
    '    display(bundle(file, kind), raw=True, display_id=display_id)',
    "print('ready')",
  ].join('\n')
}

/** A cell that shows a payload file as a view (optionally under a display id). */
export function showCell(kernel: KernelChoice, file: string, kind: ViewKind, displayId?: string): string {
  void MIME_TYPES
  const id = displayId ? `, '${displayId}'` : ''
  return kernel.glasswing ? `show('${file}', '${kind}'${id})` : `show('${file}', '${kind}'${id})`
}

/** A cell that replaces a shown view's payload in place (`update_display_data`). */
export function updateCell(kernel: KernelChoice, file: string, kind: ViewKind, displayId: string): string {
  return kernel.glasswing
    ? `handles['${displayId}'].update({ [Symbol.for('Jupyter.display')]: () => bundle('${file}', '${kind}') })`
    : `update_display(bundle('${file}', '${kind}'), display_id='${displayId}', raw=True)`
}

/** A cell printing the latest selection the kernel received: `<count> <first indices>`. */
export function selectionCell(kernel: KernelChoice): string {
  return kernel.glasswing
    ? "{ const s = gw.selection(); console.log(`${s.length} ${s.slice(0, 5).join(',')}`) }"
    : "print(len(selections[-1]['indices']), ','.join(map(str, selections[-1]['indices'][:5])))"
}
