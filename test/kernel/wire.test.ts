import { describe, expect, it } from 'vitest'
import { createSigner, decode, encode } from '../../kernel/src/protocol/wire'

describe('Jupyter wire protocol', () => {
  const signer = createSigner('hmac-sha256', 'secret-key')

  it('round-trips a message with identities and binary buffers', () => {
    const parentFrames = encode(
      { msgType: 'execute_request', content: { code: '1' }, parent: null, session: 's' },
      signer,
    )
    const parent = decode(parentFrames, signer)!
    const frames = encode(
      {
        msgType: 'comm_msg',
        content: { comm_id: 'c', data: { x: 1 } },
        parent,
        session: 'kernel-session',
        identities: [Buffer.from('client-id')],
        buffers: [new Uint8Array([1, 2, 250])],
      },
      signer,
    )
    const message = decode(frames, signer)!
    expect(message.identities.map(String)).toEqual(['client-id'])
    expect(message.header.msg_type).toBe('comm_msg')
    expect(message.header.version).toBe('5.3')
    expect(message.parent_header.msg_id).toBe(parent.header.msg_id)
    expect(message.content).toEqual({ comm_id: 'c', data: { x: 1 } })
    expect([...message.buffers[0]!]).toEqual([1, 2, 250])
  })

  it('rejects a message whose signature does not match (tampered content, other key)', () => {
    const frames = encode(
      { msgType: 'status', content: { execution_state: 'idle' }, parent: null, session: 's' },
      signer,
    )
    const delimiter = frames.findIndex((f) => f.toString() === '<IDS|MSG>')
    const tampered = [...frames]
    tampered[delimiter + 5] = Buffer.from('{"execution_state":"busy"}')
    expect(decode(tampered, signer)).toBeNull()
    expect(decode(frames, createSigner('hmac-sha256', 'other-key'))).toBeNull()
    expect(decode(frames, signer)).not.toBeNull()
  })

  it('signs nothing with an empty key and refuses unknown schemes', () => {
    const unsigned = createSigner('hmac-sha256', '')
    expect(unsigned.sign([Buffer.from('x')])).toBe('')
    expect(() => createSigner('hmac-md5', 'k')).toThrow(/hmac-sha256/)
  })
})
