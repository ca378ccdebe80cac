/**
 * The Jupyter wire protocol (messaging spec 5.3): signed multipart frames to messages and back.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

export const PROTOCOL_VERSION = '5.3'
const DELIMITER = '<IDS|MSG>'

/** A message header. */
export interface Header {
  msg_id: string
  session: string
  username: string
  date: string
  msg_type: string
  version: string
  [key: string]: unknown
}

/** A decoded message; `identities` route replies back on router sockets. */
export interface Message<C = Record<string, unknown>> {
  identities: Buffer[]
  header: Header
  parent_header: Partial<Header>
  metadata: Record<string, unknown>
  content: C
  buffers: Buffer[]
}

/** Signs and checks messages with the connection key (HMAC-SHA256; no signing with an empty key). */
export interface Signer {
  sign(parts: Buffer[]): string
  verify(signature: string, parts: Buffer[]): boolean
}

/**
 * A signer for one connection.
 *
 * @example
 * const signer = createSigner('hmac-sha256', key)
 */
export function createSigner(scheme: string, key: string): Signer {
  if (key !== '' && scheme !== 'hmac-sha256') {
    throw new Error(`unsupported signature scheme ${scheme}; the Glasswing kernel speaks hmac-sha256`)
  }
  const sign = (parts: Buffer[]): string => {
    if (key === '') return ''
    const hmac = createHmac('sha256', key)
    for (const part of parts) hmac.update(part)
    return hmac.digest('hex')
  }
  return {
    sign,
    verify(signature, parts) {
      if (key === '') return true
      const expected = Buffer.from(sign(parts))
      const received = Buffer.from(signature)
      return expected.length === received.length && timingSafeEqual(expected, received)
    },
  }
}

/** Decodes received frames; returns null for frames that are malformed or wrongly signed. */
export function decode(frames: Buffer[], signer: Signer): Message | null {
  const at = frames.findIndex((frame) => frame.toString() === DELIMITER)
  if (at < 0 || frames.length < at + 6) return null
  const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6) as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ]
  if (!signer.verify(signature.toString(), [header, parent, metadata, content])) return null
  try {
    return {
      identities: frames.slice(0, at),
      header: JSON.parse(header.toString()) as Header,
      parent_header: JSON.parse(parent.toString()) as Partial<Header>,
      metadata: JSON.parse(metadata.toString()) as Record<string, unknown>,
      content: JSON.parse(content.toString()) as Record<string, unknown>,
      buffers: frames.slice(at + 6),
    }
  } catch {
    return null
  }
}

/** What a kernel needs to make a new message. */
export interface Outgoing {
  msgType: string
  content: unknown
  parent: Message | null
  session: string
  identities?: Buffer[]
  metadata?: Record<string, unknown>
  buffers?: Uint8Array[]
}

/** Encodes a new message as signed frames. */
export function encode(message: Outgoing, signer: Signer): Buffer[] {
  const header: Header = {
    msg_id: randomUUID(),
    session: message.session,
    username: 'glasswing',
    date: new Date().toISOString(),
    msg_type: message.msgType,
    version: PROTOCOL_VERSION,
  }
  const parts = [header, message.parent?.header ?? {}, message.metadata ?? {}, message.content ?? {}].map(
    (part) => Buffer.from(JSON.stringify(part)),
  )
  const buffers = (message.buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  return [
    ...(message.identities ?? []),
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...buffers,
  ]
}
