/**
 * Errors that Glasswing raises for anything a user can fix: every one names the function and
 * argument, what was expected, what came, and what to do next.
 */

/** The parts of a {@link GlasswingError}, kept so that front ends can show them separately. */
export interface GlasswingErrorDetails {
  /** The public function that failed, for example `gw.explain`. */
  where: string
  /** The argument or option at fault, for example `options.layer`. */
  argument?: string
  /** What was expected, in words. */
  expected?: string
  /** What came instead, in words (see {@link describeValue}). */
  received?: string
  /** The next step for the user. */
  hint?: string
}

/**
 * An error a user can act on. `message` reads as one line:
 * `gw.explain: options.layer expected a layer name, got 'conv9'. Did you mean 'conv2d_1'?`
 *
 * @example
 * throw new GlasswingError({ where: 'gw.embed', argument: 'options.perplexity',
 *   expected: 'a number below N/3 = 33', received: '50', hint: 'Lower the perplexity or pass more points.' })
 */
export class GlasswingError extends Error {
  override readonly name = 'GlasswingError'
  readonly details: GlasswingErrorDetails

  constructor(details: GlasswingErrorDetails, options?: { cause?: unknown }) {
    super(formatMessage(details), options)
    this.details = details
  }

  /** The next step alone, for displays that show it apart from the message. */
  get hint(): string | undefined {
    return this.details.hint
  }
}

function formatMessage({ where, argument, expected, received, hint }: GlasswingErrorDetails): string {
  let message = `${where}:`
  if (argument) message += ` ${argument}`
  if (expected) message += ` expected ${expected}`
  if (received !== undefined) message += `${expected ? ',' : ''} got ${received}`
  message = message.endsWith(':') ? message.slice(0, -1) : message
  if (hint) message += `. ${hint}`
  return message
}

/** A short, readable description of any value, for the `received` part of an error. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return value.length > 40 ? `'${value.slice(0, 37)}...'` : `'${value}'`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (isTensorLike(value)) return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`
  const name = (value as object).constructor?.name
  return name && name !== 'Object' ? `a ${name}` : 'an object'
}

function isTensorLike(value: unknown): value is { shape: number[]; dtype: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { shape?: unknown }).shape) &&
    typeof (value as { dtype?: unknown }).dtype === 'string'
  )
}
