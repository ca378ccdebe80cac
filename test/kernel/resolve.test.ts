import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { installTypeResolution, libraryRoot, type CompilerFileSystem } from '../../kernel/src/engine/resolve'

const root = path.resolve(__dirname, '..', '..')

function fakeFileSystem(files: string[]): CompilerFileSystem & { watched: string[] } {
  const set = new Set(files)
  const watched: string[] = []
  return {
    watched,
    fileExists: (file) => set.has(file),
    directoryExists: (folder) => files.some((f) => f.startsWith(folder + path.sep)),
    readFile: (file) => (set.has(file) ? `contents of ${file}` : undefined),
    realpath: (file) => file,
    getDirectories: () => [],
    watchFile: (file) => {
      watched.push(file)
      return { close: () => undefined }
    },
  }
}

describe('module resolution for cells', () => {
  it('finds the library at the root of the checkout', () => {
    expect(libraryRoot({})).toBe(root)
    expect(libraryRoot({ GLASSWING_LIBRARY: '/somewhere/else' })).toBe('/somewhere/else')
  })

  it("maps <cwd>/node_modules/glasswing to the library, and missing packages to the library's", () => {
    const lib = '/lib'
    const sys = fakeFileSystem([
      '/lib/dist/index.d.ts',
      '/lib/node_modules/@tensorflow/tfjs/dist/index.d.ts',
      '/notebooks/node_modules/own-package/index.d.ts',
      '/notebooks/helper.ts',
    ])
    const restore = installTypeResolution(sys, '/notebooks', lib)
    expect(sys.fileExists('/notebooks/node_modules/glasswing/dist/index.d.ts')).toBe(true)
    expect(sys.readFile('/notebooks/node_modules/glasswing/dist/index.d.ts')).toBe(
      'contents of /lib/dist/index.d.ts',
    )
    expect(sys.realpath!('/notebooks/node_modules/glasswing/dist/index.d.ts')).toBe('/lib/dist/index.d.ts')
    expect(sys.fileExists('/notebooks/node_modules/@tensorflow/tfjs/dist/index.d.ts')).toBe(true)
    expect(sys.readFile('/notebooks/node_modules/own-package/index.d.ts')).toBe(
      'contents of /notebooks/node_modules/own-package/index.d.ts',
    )
    expect(sys.fileExists('/notebooks/node_modules/not-installed/index.d.ts')).toBe(false)
    sys.watchFile!('/notebooks/helper.ts')
    sys.watchFile!('/lib/node_modules/@tensorflow/tfjs/dist/index.d.ts')
    sys.watchFile!('/lib/dist/index.d.ts')
    expect(sys.watched).toEqual(['/notebooks/helper.ts'])
    restore()
    expect(sys.fileExists('/notebooks/node_modules/glasswing/dist/index.d.ts')).toBe(false)
  })
})
