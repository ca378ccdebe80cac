/**
 * A reader for Weka's ARFF text format, enough for the UCI files Weka ships: `@attribute name numeric`
 * or `{a, 'b c'}`, then `@data` rows of comma-separated values with single or double quotes.
 */
import { GlasswingError } from '../errors'

/** One ARFF attribute: numeric, or nominal with its categories in declared order. */
export type ArffAttribute =
  | { name: string; kind: 'numeric' }
  | { name: string; kind: 'nominal'; categories: string[] }

/** A parsed ARFF file: the attributes and one row of values per instance (numbers for numeric ones). */
export interface ArffTable {
  relation: string
  attributes: ArffAttribute[]
  rows: (string | number)[][]
}

/**
 * Parses ARFF text. Missing values (`?`) are not supported: credit-g has none.
 *
 * @example
 * const table = parseArff(readFileSync('credit-g.arff', 'utf8'), 'credit-g.arff')
 */
export function parseArff(text: string, source: string): ArffTable {
  const attributes: ArffAttribute[] = []
  const rows: (string | number)[][] = []
  let relation = ''
  let inData = false
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('%')) return
    const fail = (expected: string) =>
      new GlasswingError({
        where: 'gw.datasets',
        argument: `${source} line ${index + 1}`,
        expected,
        received: `'${line.slice(0, 60)}'`,
      })
    if (!inData) {
      const lower = line.toLowerCase()
      if (lower.startsWith('@relation')) relation = unquote(line.slice(9).trim())
      else if (lower.startsWith('@data')) inData = true
      else if (lower.startsWith('@attribute')) attributes.push(parseAttribute(line.slice(10).trim(), fail))
      else throw fail('@relation, @attribute or @data')
      return
    }
    const values = splitValues(line)
    if (values.length !== attributes.length) throw fail(`${attributes.length} comma-separated values`)
    rows.push(
      values.map((value, column) => {
        const attribute = attributes[column]!
        if (attribute.kind === 'numeric') {
          const number = Number(value)
          if (value === '' || Number.isNaN(number)) throw fail(`a number for '${attribute.name}'`)
          return number
        }
        if (!attribute.categories.includes(value)) throw fail(`one of ${attribute.categories.join(', ')}`)
        return value
      }),
    )
  })
  return { relation, attributes, rows }
}

function parseAttribute(rest: string, fail: (expected: string) => Error): ArffAttribute {
  const [name, remainder] = takeToken(rest)
  const type = remainder.trim()
  if (type.startsWith('{') && type.endsWith('}')) {
    return { name, kind: 'nominal', categories: splitValues(type.slice(1, -1)) }
  }
  if (/^(numeric|real|integer)$/i.test(type)) return { name, kind: 'numeric' }
  throw fail('a numeric or {nominal} attribute')
}

function takeToken(text: string): [string, string] {
  const quote = text[0]
  if (quote === "'" || quote === '"') {
    const end = text.indexOf(quote, 1)
    return [text.slice(1, end), text.slice(end + 1)]
  }
  const match = /^(\S+)\s*(.*)$/s.exec(text)
  return [match?.[1] ?? text, match?.[2] ?? '']
}

/** Splits comma-separated values, honouring single and double quotes. */
export function splitValues(line: string): string[] {
  const values: string[] = []
  let current = ''
  let quote: string | null = null
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = null
      else current += char
    } else if (char === "'" || char === '"') quote = char
    else if (char === ',') {
      values.push(current.trim())
      current = ''
    } else current += char
  }
  values.push(current.trim())
  return values
}

function unquote(text: string): string {
  return text.replace(/^['"]|['"]$/g, '')
}
