/**
 * Shorthand properties that name an earlier cell's top-level declaration.
 *
 * tslab keeps each cell's top-level names on `exports` and, after TypeScript's own transforms, rewrites
 * every identifier whose symbol is declared in the previous cells' declarations (`__prev__.d.ts`) to
 * `exports.<name>`. For the name of a shorthand property (`{ v }`) the checker answers with the
 * property's own symbol, not the value's, so `{ v }` was left as it is: a ReferenceError when read
 * (`JSON.stringify({ v })`), and a silent assignment to a global in a destructuring assignment
 * (`({ v } = other)`). This transform runs before TypeScript's, on the parse tree (where the checker
 * can answer), and writes such a shorthand out: `{ v }` becomes `{ v: exports.v }`, and
 * `{ v = 1 }` in an assignment pattern becomes `{ v: exports.v = 1 }`.
 */
import type * as TS from '@tslab/typescript-for-tslab'

/** The file tslab writes the previous cells' declarations to. */
const PREVIOUS_DECLARATIONS = '__prev__.d.ts'

/** The emit arguments of a builder or program: `emit(file, writeFile, cancel, onlyDts, transformers)`. */
type EmitArgs = [unknown?, unknown?, unknown?, unknown?, TS.CustomTransformers?, ...unknown[]]

/**
 * Wraps a builder's (or program's) `emit` so that the transform runs before the transformers it is
 * given (tslab's own run `after`).
 *
 * @example
 * const builder = withPreviousShorthands(ts, ts.createProgram(...), () => program)
 */
export function withPreviousShorthands<B extends { emit(...args: unknown[]): unknown }>(
  ts: typeof TS,
  builder: B,
  program: () => TS.Program,
): B {
  const emit = builder.emit.bind(builder)
  builder.emit = (...args: unknown[]) => {
    const [file, writeFile, cancel, onlyDts, given, ...rest] = args as EmitArgs
    const transformers: TS.CustomTransformers = {
      ...given,
      before: [previousShorthands(ts, program()), ...(given?.before ?? [])],
    }
    return emit(file, writeFile, cancel, onlyDts, transformers, ...rest)
  }
  return builder
}

/**
 * The transform: shorthand properties whose value is declared in `__prev__.d.ts` are written out
 * with `exports.<name>` as their value (or assignment target).
 */
export function previousShorthands(ts: typeof TS, program: TS.Program): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (file) => {
    const previous = program
      .getRootFileNames()
      .map((name) => program.getSourceFile(name))
      .find((source) => source?.fileName.endsWith('/' + PREVIOUS_DECLARATIONS))
    if (!previous || file.isDeclarationFile) return file
    const checker = program.getTypeChecker()
    const { factory } = context
    const fromPrevious = (node: TS.ShorthandPropertyAssignment) =>
      (checker.getShorthandAssignmentValueSymbol(node)?.declarations ?? []).some(
        (declaration) => declaration.getSourceFile() === previous,
      )
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isShorthandPropertyAssignment(node) && fromPrevious(node)) {
        const name = ts.idText(node.name)
        let value: TS.Expression = factory.createPropertyAccessExpression(
          factory.createIdentifier('exports'),
          factory.createIdentifier(name),
        )
        if (node.objectAssignmentInitializer) {
          const initializer = ts.visitNode(node.objectAssignmentInitializer, visit) as TS.Expression
          value = factory.createAssignment(value, initializer)
        }
        const written = factory.createPropertyAssignment(factory.createIdentifier(name), value)
        return ts.setOriginalNode(ts.setTextRange(written, node), node)
      }
      return ts.visitEachChild(node, visit, context)
    }
    return ts.visitEachChild(file, visit, context)
  }
}
