/**
 * A faster program for tslab's converter.
 *
 * tslab keeps a TypeScript watch program whose default "builder" (the incremental-emit bookkeeping of
 * `tsc --watch`) rebuilds a map of every file's references each time a cell changes. With tfjs's
 * declarations loaded (hundreds of files) that map costs most of a trivial cell's time (measured:
 * 8.4 s of 12 s over 150 cells, about 55 ms a cell on a busy 2-core machine). The converter needs
 * none of it: it asks the builder for the program, one file's emit and that file's dependencies.
 * So the watch host gets a light builder: a plain program (structure reused from the previous one,
 * as before), emit straight from it, and dependencies found only for the cell and the local files it
 * imports. Installing it wraps `ts.createWatchCompilerHost` of tslab's TypeScript before the converter
 * is created.
 */
import type * as TS from '@tslab/typescript-for-tslab'
import { withPreviousShorthands } from './previous-names'
import { requireWith } from './require-with'

/** The few TypeScript compiler functions this file uses (tslab's TypeScript 5.0 build). */
interface Ts {
  createWatchCompilerHost: (...args: unknown[]) => unknown
  createProgram(options: {
    rootNames: readonly string[]
    options: unknown
    host: unknown
    oldProgram?: Program
    configFileParsingDiagnostics?: readonly unknown[]
    projectReferences?: readonly unknown[]
  }): Program
  bindSourceFile?: (file: SourceFile, options: unknown) => void
  createEmitAndSemanticDiagnosticsBuilderProgram: CreateBuilder
}
type CreateBuilder = (...args: unknown[]) => { getProgram(): Program; emit(...args: unknown[]): unknown }
interface SourceFile {
  fileName: string
  isDeclarationFile: boolean
  imports?: readonly unknown[]
}
interface Program {
  getSourceFile(fileName: string): SourceFile | undefined
  getSourceFiles(): readonly SourceFile[]
  getRootFileNames(): readonly string[]
  getCompilerOptions(): unknown
  getTypeChecker(): {
    getSymbolAtLocation(node: unknown): { declarations?: Array<{ getSourceFile(): SourceFile }> } | undefined
  }
  emit(...args: unknown[]): unknown
  [method: string]: unknown
}

/**
 * Loads tslab's converter module with the light builder: the module gets a view of TypeScript whose
 * `createWatchCompilerHost` passes the light builder (TypeScript's exports are read-only getters, so
 * the converter's own `require` of TypeScript is answered with that view). With `lightBuilder: false`
 * the builder is TypeScript's default one. Either way its emit also writes out shorthand properties
 * that name earlier cells' declarations (previous-names.ts), which tslab's rewrite misses.
 *
 * @example
 * const { createConverter } = loadFastConverter()
 */
export function loadFastConverter(
  settings: { onlyNodeTypes?: boolean; lightBuilder?: boolean } = {},
): typeof import('tslab/dist/converter') {
  const ts = require('@tslab/typescript-for-tslab') as Ts
  const create: CreateBuilder =
    settings.lightBuilder === false
      ? ts.createEmitAndSemanticDiagnosticsBuilderProgram
      : (createLightBuilder(ts) as unknown as CreateBuilder)
  const builder: CreateBuilder = (...args) => {
    const made = create(...args)
    return withPreviousShorthands(
      ts as unknown as typeof TS,
      made,
      () => made.getProgram() as unknown as TS.Program,
    )
  }
  const createWatchCompilerHost = (
    rootFiles: unknown,
    givenOptions: unknown,
    system: unknown,
    createProgram: unknown,
    ...rest: unknown[]
  ) => {
    // Only @types/node is included automatically (packages' own types still come with their imports):
    // every other @types folder in reach (test runners' globals, and so on) would be parsed for nothing.
    const options =
      settings.onlyNodeTypes === false ? givenOptions : { ...(givenOptions as object), types: ['node'] }
    return ts.createWatchCompilerHost(rootFiles, options, system, createProgram ?? builder, ...rest)
  }
  const view = new Proxy(ts, {
    get: (target, key) =>
      key === 'createWatchCompilerHost' ? createWatchCompilerHost : Reflect.get(target, key),
  })
  return requireWith(require.resolve('tslab/dist/converter'), { '@tslab/typescript-for-tslab': view })
}

function createLightBuilder(ts: Ts) {
  return function (
    rootNames: readonly string[] | undefined,
    options: unknown,
    host: unknown,
    previous: { getProgram(): Program } | undefined,
    configFileParsingDiagnostics?: readonly unknown[],
    projectReferences?: readonly unknown[],
  ) {
    const program = ts.createProgram({
      rootNames: rootNames ?? [],
      options,
      host,
      oldProgram: previous?.getProgram(),
      configFileParsingDiagnostics,
      projectReferences,
    })
    // The converter reads the cell's top-level names from the binder's `locals` before it asks for a
    // checker; the default builder bound files as a side effect, so bind the root files here.
    for (const name of program.getRootFileNames()) {
      const file = program.getSourceFile(name)
      if (file && ts.bindSourceFile) ts.bindSourceFile(file, options)
    }
    const forward =
      (method: string) =>
      (...args: unknown[]) =>
        (program[method] as (...a: unknown[]) => unknown)(...args)
    return {
      getProgram: () => program,
      getProgramOrUndefined: () => program,
      releaseProgram: () => undefined,
      getState: () => ({ fileInfos: new Map(program.getSourceFiles().map((f) => [f.fileName, f])) }),
      getCompilerOptions: () => program.getCompilerOptions(),
      getSourceFile: (name: string) => program.getSourceFile(name),
      getSourceFiles: () => program.getSourceFiles(),
      getOptionsDiagnostics: forward('getOptionsDiagnostics'),
      getGlobalDiagnostics: forward('getGlobalDiagnostics'),
      getConfigFileParsingDiagnostics: forward('getConfigFileParsingDiagnostics'),
      getSyntacticDiagnostics: forward('getSyntacticDiagnostics'),
      getDeclarationDiagnostics: forward('getDeclarationDiagnostics'),
      getSemanticDiagnostics: forward('getSemanticDiagnostics'),
      getCurrentDirectory: forward('getCurrentDirectory'),
      emit: (...args: unknown[]) => program.emit(...args),
      getAllDependencies: (file: SourceFile) => dependenciesOf(program, file),
    }
  }
}

/** The file and every file it imports, following imports only through source (not declaration) files. */
function dependenciesOf(program: Program, root: SourceFile): string[] {
  const checker = program.getTypeChecker()
  const seen = new Set<string>([root.fileName])
  const queue: SourceFile[] = [root]
  while (queue.length > 0) {
    const file = queue.pop()!
    for (const literal of file.imports ?? []) {
      for (const declaration of checker.getSymbolAtLocation(literal)?.declarations ?? []) {
        const target = declaration.getSourceFile()
        if (seen.has(target.fileName)) continue
        seen.add(target.fileName)
        if (!target.isDeclarationFile) queue.push(target)
      }
    }
  }
  return [...seen]
}
