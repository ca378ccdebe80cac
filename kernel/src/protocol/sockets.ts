/**
 * The five Jupyter sockets over zeromq 6, with signed messages and one send at a time per socket
 * (zeromq.js allows a single pending send on a socket).
 */
import { readFileSync } from 'node:fs'
import * as zmq from 'zeromq'
import { createSigner, decode, encode, type Message, type Outgoing, type Signer } from './wire'

/** A Jupyter connection file. */
export interface ConnectionInfo {
  transport: string
  ip: string
  key: string
  signature_scheme: string
  shell_port: number
  iopub_port: number
  stdin_port: number
  control_port: number
  hb_port: number
}

/** The bound sockets. */
export interface Channels {
  signer: Signer
  /** Sends on the shell, control or iopub channel. */
  send(channel: 'shell' | 'control' | 'iopub', message: Outgoing): Promise<void>
  /** Calls `handle` for each valid message on a router channel; resolves when the socket closes. */
  serve(channel: 'shell' | 'control', handle: (message: Message) => Promise<void> | void): Promise<void>
  /** Whether messages have arrived on a router channel and wait to be handled. */
  pending(channel: 'shell' | 'control'): boolean
  close(): void
}

/** Reads a connection file. */
export function readConnectionFile(file: string): ConnectionInfo {
  return JSON.parse(readFileSync(file, 'utf8')) as ConnectionInfo
}

/**
 * Binds the shell, control, stdin, iopub and heartbeat sockets of a connection.
 *
 * @example
 * const channels = await bindChannels(readConnectionFile(file))
 */
export async function bindChannels(info: ConnectionInfo): Promise<Channels> {
  const signer = createSigner(info.signature_scheme, info.key)
  const address = (port: number): string =>
    info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `${info.transport}://${info.ip}:${port}`
  const shell = new zmq.Router()
  const control = new zmq.Router()
  const stdin = new zmq.Router()
  const iopub = new zmq.Publisher()
  const heartbeat = new zmq.Reply()
  for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.linger = 0
  await Promise.all([
    shell.bind(address(info.shell_port)),
    control.bind(address(info.control_port)),
    stdin.bind(address(info.stdin_port)),
    iopub.bind(address(info.iopub_port)),
    heartbeat.bind(address(info.hb_port)),
  ])
  void echo(heartbeat)

  const sockets = { shell, control, iopub }
  const queues = { shell: Promise.resolve(), control: Promise.resolve(), iopub: Promise.resolve() }
  return {
    signer,
    send(channel, message) {
      const frames = encode(message, signer)
      const sent = queues[channel].then(() => sockets[channel].send(frames))
      queues[channel] = sent.catch(() => undefined)
      return sent
    },
    async serve(channel, handle) {
      try {
        for await (const frames of sockets[channel]) {
          const message = decode(frames, signer)
          if (message) await handle(message)
        }
      } catch (error) {
        if (!sockets[channel].closed) throw error
      }
    },
    pending(channel) {
      return !sockets[channel].closed && sockets[channel].readable
    },
    close() {
      for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close()
    },
  }
}

async function echo(socket: zmq.Reply): Promise<void> {
  try {
    for await (const frames of socket) await socket.send(frames)
  } catch {
    // Closed at shutdown.
  }
}
