/**
 * The Glasswing kernel: Jupyter messaging spec 5.3 on top of the engine process.
 * Every request gets `status: busy` before and `status: idle` after, with the request as parent.
 */
import { EngineLost, startEngine, type Engine, type EngineExit } from './engine/client'
import { recordEngineExit } from './engine/exit-log'
import type {
  CompleteResult,
  EngineEvent,
  ExecuteResult,
  InspectResult,
  IsCompleteResult,
} from './engine/messages'
import { bindChannels, type ConnectionInfo } from './protocol/sockets'
import { PROTOCOL_VERSION, type Message } from './protocol/wire'
import { historyReply, type HistoryEntry } from './history'
import { createRecovery, replayMagic } from './recovery'

const VERSION: string = (require('../package.json') as { version: string }).version
type Channel = 'shell' | 'control'
type Content = Record<string, unknown>

/** A running kernel. */
export interface Kernel {
  /** Resolves when the kernel has shut down. */
  closed: Promise<void>
  shutdown(): Promise<void>
}

/**
 * Starts a kernel on a connection.
 *
 * @example
 * const kernel = await startKernel(readConnectionFile(process.argv[2]))
 * await kernel.closed
 */
export async function startKernel(info: ConnectionInfo): Promise<Kernel> {
  const channels = await bindChannels(info)
  const session = crypto.randomUUID()
  // Shell requests run one at a time, so output belongs to the request that last reached the engine.
  let lastParent: Message | null = null
  let lastSilent = false
  let executionCount = 0
  // After a cell fails (stop_on_error, the default), the execute requests already queued on the shell
  // channel are answered 'aborted' without running (messaging spec); cleared once the queue is empty.
  let aborting = false
  const history: HistoryEntry[] = []
  // After the engine is lost: its cells, for %replay, and the notice the user has not seen yet (shown by
  // the cell that was running, else at the top of the next cell).
  const recovery = createRecovery()
  let notice: string | null = null
  let running: number | null = null
  // Comms open between views and the engine: closed, with the reason, when the engine is lost, so that
  // views waiting for an answer are told at once.
  const openComms = new Set<string>()

  const publish = (
    msgType: string,
    content: unknown,
    parent: Message | null,
    buffers?: Uint8Array[],
  ): Promise<void> => channels.send('iopub', { msgType, content, parent, session, buffers })

  const engine: Engine = startEngine({
    // A silent execution broadcasts nothing (messaging spec: execute_request.silent).
    onEvent: (_origin, event) => void (lastSilent && isOutput(event) ? undefined : relay(event, lastParent)),
    onExit: (exit) => {
      recordEngineExit(exit)
      notice = recovery.engineLost(exit, running)
      closeComms(exit)
    },
  })
  notice = engine.limits.warning ? `Glasswing: ${engine.limits.warning}\n` : null

  function closeComms(exit: EngineExit): void {
    const data = { reason: 'engine-restarted', message: `The kernel's engine stopped: ${exit.reason}.` }
    for (const commId of openComms) void publish('comm_close', { comm_id: commId, data }, lastParent)
    openComms.clear()
  }

  async function relay(event: EngineEvent, parent: Message | null): Promise<void> {
    if (event.kind === 'commOpen') openComms.add(event.commId)
    if (event.kind === 'commClose') openComms.delete(event.commId)
    switch (event.kind) {
      case 'stream':
        return publish('stream', { name: event.name, text: event.text }, parent)
      case 'display':
        return publish(
          event.update ? 'update_display_data' : 'display_data',
          {
            ...event.bundle,
            transient: event.displayId ? { display_id: event.displayId } : {},
          },
          parent,
        )
      case 'clearOutput':
        return publish('clear_output', { wait: event.wait }, parent)
      case 'commOpen':
        return publish(
          'comm_open',
          { comm_id: event.commId, target_name: event.targetName, data: event.data },
          parent,
          event.buffers,
        )
      case 'commMsg':
        return publish('comm_msg', { comm_id: event.commId, data: event.data }, parent, event.buffers)
      case 'commClose':
        return publish('comm_close', { comm_id: event.commId, data: event.data }, parent)
    }
  }

  const reply = (channel: Channel, request: Message, content: Content): Promise<void> =>
    channels.send(channel, {
      msgType: request.header.msg_type.replace(/_request$/, '_reply'),
      content,
      parent: request,
      session,
      identities: request.identities,
    })

  /** Runs an engine request with the Jupyter message as the parent of everything it prints. */
  async function onEngine<T>(request: Message, body: Parameters<Engine['request']>[0]): Promise<T> {
    lastParent = request
    lastSilent = false
    return engine.request<T>(body)
  }

  async function execute(request: Message): Promise<Content> {
    const content = request.content as {
      code: string
      silent?: boolean
      store_history?: boolean
      stop_on_error?: boolean
    }
    if (aborting) return { status: 'aborted', execution_count: executionCount }
    const silent = content.silent === true
    const store = content.store_history !== false && !silent
    if (store) executionCount += 1
    const count = executionCount
    if (!silent) await publish('execute_input', { code: content.code, execution_count: count }, request)
    const entry = { line: count, input: content.code, output: null as string | null }
    if (store) history.push(entry)
    lastParent = request
    lastSilent = silent
    if (notice !== null && !silent) {
      await publish('stream', { name: 'stderr', text: notice }, request)
      notice = null
    }
    const magic = replayMagic(content.code)
    let result: ExecuteResult
    running = count
    try {
      result =
        magic === null
          ? await engine.request<ExecuteResult>({ op: 'execute', code: content.code, silent })
          : await replay(magic, request)
    } catch (error) {
      const lost = error instanceof EngineLost
      const message = (lost ? notice : null) ?? (error instanceof Error ? error.message : String(error))
      if (lost) notice = null
      result = {
        status: 'error',
        ename: lost ? 'EngineRestarted' : 'KernelError',
        evalue: message,
        traceback: [`EngineRestarted: ${message}`],
      }
    } finally {
      running = null
    }
    if (result.status === 'ok' && store && magic === null) {
      recovery.succeeded({ count, code: content.code, names: result.names ?? [] })
    }
    if (result.status === 'error') {
      const { ename, evalue, traceback } = result
      if (!silent) await publish('error', { ename, evalue, traceback }, request)
      // Only what is queued now: a request sent after this reply is not aborted.
      if (!silent && content.stop_on_error !== false) aborting = channels.pending('shell')
      return { status: 'error', execution_count: count, ename, evalue, traceback }
    }
    if (result.result) entry.output = String(result.result.data['text/plain'] ?? '')
    if (result.result && !silent) {
      await publish('execute_result', { execution_count: count, ...result.result }, request)
    }
    return { status: 'ok', execution_count: count, user_expressions: {}, payload: [] }
  }

  /** `%replay`: reruns the cells of a lost engine, their output hidden, a line each in this cell. */
  function replay(line: string, request: Message): Promise<ExecuteResult> {
    return recovery.replay(line, {
      execute: (code) => {
        lastParent = request
        lastSilent = true
        return engine.request<ExecuteResult>({ op: 'execute', code, silent: true })
      },
      print: (text) => publish('stream', { name: 'stdout', text }, request),
    })
  }

  function kernelInfo(): Content {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'glasswing',
      implementation_version: VERSION,
      language_info: {
        name: 'typescript',
        version: '5.0.4',
        mimetype: 'text/typescript',
        file_extension: '.ts',
        pygments_lexer: 'typescript',
        codemirror_mode: { name: 'javascript', typescript: true },
      },
      banner: `Glasswing ${VERSION}: TypeScript with the gw interpretability DSL (tslab, TensorFlow.js)`,
      help_links: [{ text: 'Glasswing', url: 'https://github.com/glasswing' }],
      debugger: false,
    }
  }

  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
  let shuttingDown = false
  async function shutdown(): Promise<void> {
    if (shuttingDown) return closed
    shuttingDown = true
    await engine.stop()
    channels.close()
    resolveClosed()
  }

  async function handle(channel: Channel, request: Message): Promise<void> {
    const type = request.header.msg_type
    await publish('status', { execution_state: 'busy' }, request)
    try {
      const content = await answer(channel, request, type)
      if (content) await reply(channel, request, content)
    } catch (error) {
      const evalue = error instanceof Error ? error.message : String(error)
      if (type.endsWith('_request')) {
        await reply(channel, request, { status: 'error', ename: 'KernelError', evalue, traceback: [evalue] })
      }
    } finally {
      await publish('status', { execution_state: 'idle' }, request)
    }
    if (aborting && channel === 'shell' && !channels.pending('shell')) aborting = false
    if (type === 'shutdown_request') await shutdown()
  }

  async function answer(channel: Channel, request: Message, type: string): Promise<Content | null> {
    const c = request.content as Content
    switch (type) {
      case 'kernel_info_request':
        return kernelInfo()
      case 'execute_request':
        return execute(request)
      case 'complete_request': {
        const r = await onEngine<CompleteResult>(request, {
          op: 'complete',
          code: String(c.code),
          cursor: Number(c.cursor_pos),
        })
        return {
          status: 'ok',
          matches: r.matches,
          cursor_start: r.cursorStart,
          cursor_end: r.cursorEnd,
          metadata: {},
        }
      }
      case 'inspect_request': {
        const r = await onEngine<InspectResult>(request, {
          op: 'inspect',
          code: String(c.code),
          cursor: Number(c.cursor_pos),
          detailLevel: Number(c.detail_level ?? 0),
        })
        return { status: 'ok', found: r.found, data: r.found ? { 'text/plain': r.text } : {}, metadata: {} }
      }
      case 'is_complete_request': {
        if (replayMagic(String(c.code)) !== null) return { status: 'complete' }
        const r = await onEngine<IsCompleteResult>(request, { op: 'isComplete', code: String(c.code) })
        return { status: r.status, ...(r.status === 'incomplete' ? { indent: r.indent ?? '' } : {}) }
      }
      case 'history_request':
        return { status: 'ok', history: historyReply(history, c) }
      case 'comm_info_request': {
        const target = typeof c.target_name === 'string' ? c.target_name : undefined
        const comms = await onEngine<Content>(request, { op: 'commInfo', targetName: target })
        return { status: 'ok', comms }
      }
      case 'comm_open':
        openComms.add(String(c.comm_id))
        await onEngine(request, {
          op: 'commOpen',
          commId: String(c.comm_id),
          targetName: String(c.target_name),
          data: c.data ?? {},
          buffers: request.buffers,
        })
        return null
      case 'comm_msg':
        await onEngine(request, {
          op: 'commMsg',
          commId: String(c.comm_id),
          data: c.data ?? {},
          buffers: request.buffers,
        })
        return null
      case 'comm_close':
        openComms.delete(String(c.comm_id))
        await onEngine(request, { op: 'commClose', commId: String(c.comm_id), data: c.data ?? {} })
        return null
      case 'interrupt_request':
        engine.interrupt()
        return { status: 'ok' }
      case 'shutdown_request':
        return { status: 'ok', restart: c.restart === true }
      default:
        return channel === 'control' || type.endsWith('_request')
          ? { status: 'error', ename: 'UnknownRequest', evalue: type, traceback: [] }
          : null
    }
  }

  process.on('SIGINT', () => engine.interrupt())
  process.on('SIGTERM', () => void shutdown())
  watchParent(Number(process.env.JPY_PARENT_PID), () => void shutdown())
  await publish('status', { execution_state: 'starting' }, null)
  void channels.serve('control', (message) => handle('control', message))
  void channels.serve('shell', (message) => handle('shell', message))
  return { closed, shutdown }
}

/** Shuts the kernel down when the process that started it is gone (Jupyter sets JPY_PARENT_PID). */
function watchParent(pid: number, onGone: () => void): void {
  if (!Number.isInteger(pid) || pid <= 1) return
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0)
    } catch {
      clearInterval(timer)
      onGone()
    }
  }, 2000)
  timer.unref()
}

/** Events that are cell output (as opposed to comm traffic, which a silent execution still carries). */
function isOutput(event: EngineEvent): boolean {
  return event.kind === 'stream' || event.kind === 'display' || event.kind === 'clearOutput'
}
