/**
 * Chooses the TensorFlow.js backend Glasswing computes on.
 *
 * Native TensorFlow (`@tensorflow/tfjs-node`, or `-gpu` with `GLASSWING_DEVICE=gpu`) is the default;
 * where its binding cannot load, the WebAssembly backend takes over with one warning that names the
 * cause and the fix. `GLASSWING_BACKEND=tensorflow|wasm` forces one. The pure-JS CPU backend is never
 * used: it is one to two orders of magnitude slower (see ../shared/ENVIRONMENT.md).
 */
import { existsSync, readdirSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from './errors'
import { releaseFailedTape } from './model/tape'
import { relabelInterrupt } from './session/interrupt'

/** The backends Glasswing runs on. */
export type BackendName = 'tensorflow' | 'wasm'

/** What {@link backend} reports. */
export interface BackendInfo {
  /** The tfjs backend in use. */
  backend: BackendName
  /** Where tensors live: the CPU, or a CUDA GPU through tfjs-node-gpu. */
  device: 'cpu' | 'gpu'
  /** The native TensorFlow library's version; null on wasm. */
  tensorflowVersion: string | null
  /** The TensorFlow.js version. */
  tfjsVersion: string
  /** Why the native backend is not in use, when it is not. */
  fallbackReason: string | null
}

/** What chooses the backend: the environment, and where warnings go. */
export interface BackendOptions {
  env?: Record<string, string | undefined>
  warn?: (message: string) => void
}

const NATIVE_FIX =
  'Run `make setup` (or `bash scripts/provision-tensorflow.sh`) in the Glasswing checkout to build the native ' +
  'TensorFlow binding; see Troubleshooting in the README.'

// The tfjs engine is process-global, so the choice of its backend is too: one choice per process.
let selection: Promise<BackendInfo> | undefined
let current: BackendInfo | undefined

/**
 * Selects and initialises the backend once per process; later calls return the same answer.
 * Every DSL entry point awaits this, so users never need to call it themselves.
 *
 * @example
 * const info = await ensureBackend()   // { backend: 'tensorflow', device: 'cpu', ... }
 */
export function ensureBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  selection ??= selectBackend(options).then((info) => {
    current = info
    return info
  })
  // A failed choice (a forced backend that cannot load) is not cached: the user may fix it and retry.
  selection.catch(() => {
    selection = undefined
  })
  return selection
}

/**
 * Reports the backend in use: `{ backend, device, tensorflowVersion, tfjsVersion, fallbackReason }`.
 *
 * @example
 * await gw.ready(); gw.backend().backend   // 'tensorflow'
 */
export function backend(): BackendInfo {
  if (!current) {
    throw new GlasswingError({
      where: 'gw.backend',
      expected: 'a backend chosen by an earlier Glasswing call',
      received: 'none yet',
      hint: 'Call `await gw.ready()` first (every gw.* computation does this for you).',
    })
  }
  return current
}

async function selectBackend({
  env = process.env,
  warn = defaultWarn,
}: BackendOptions): Promise<BackendInfo> {
  const forced = env.GLASSWING_BACKEND
  if (forced !== undefined && forced !== '' && forced !== 'tensorflow' && forced !== 'wasm') {
    throw new GlasswingError({
      where: 'Glasswing backend',
      argument: 'GLASSWING_BACKEND',
      expected: "'tensorflow' or 'wasm'",
      received: `'${forced}'`,
      hint: 'Unset it to let Glasswing choose, or set one of those two values.',
    })
  }
  const device = env.GLASSWING_DEVICE === 'gpu' ? 'gpu' : 'cpu'
  if (forced === 'wasm') return useWasm(null)

  try {
    return loadNative(device, env)
  } catch (error) {
    const cause = error instanceof Error ? error.message.split('\n')[0]! : String(error)
    if (forced === 'tensorflow' || device === 'gpu') {
      throw new GlasswingError(
        {
          where: 'Glasswing backend',
          argument: forced === 'tensorflow' ? 'GLASSWING_BACKEND=tensorflow' : 'GLASSWING_DEVICE=gpu',
          expected: 'a native TensorFlow binding that loads',
          received: cause,
          hint: device === 'gpu' ? `${gpuHint()}` : NATIVE_FIX,
        },
        { cause: error },
      )
    }
    const reason = `the native TensorFlow binding did not load (${cause})`
    warn(
      `Glasswing: ${reason}. Falling back to the WebAssembly backend, which is slower and lacks some gradient kernels. ${NATIVE_FIX}`,
    )
    return useWasm(reason)
  }
}

function loadNative(device: 'cpu' | 'gpu', env: Record<string, string | undefined>): BackendInfo {
  // TensorFlow's C++ logging prints CPU-feature notices at start-up; keep notebooks quiet unless asked.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= env.TF_CPP_MIN_LOG_LEVEL ?? '2'
  if (device === 'gpu' && !hasCudaDevice()) {
    throw new Error('no CUDA device found (no /dev/nvidia0 and no /proc/driver/nvidia/gpus entry)')
  }
  const packageName = device === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
  // A plain require: the package registers the 'tensorflow' backend with the shared tfjs engine.
  require(packageName)
  if (!tf.setBackend('tensorflow'))
    throw new Error(`${packageName} loaded but its backend did not initialise`)
  const native = tf.backend() as unknown as {
    binding: { TF_Version: string }
    isUsingGpuDevice?: boolean
  }
  if (device === 'gpu' && !native.isUsingGpuDevice) {
    throw new Error('tfjs-node-gpu loaded but TensorFlow found no usable GPU (check the CUDA libraries)')
  }
  return {
    backend: 'tensorflow',
    device,
    tensorflowVersion: native.binding.TF_Version,
    tfjsVersion: tf.version_core,
    fallbackReason: null,
  }
}

async function useWasm(fallbackReason: string | null): Promise<BackendInfo> {
  require('@tensorflow/tfjs-backend-wasm')
  if (!(await tf.setBackend('wasm'))) {
    throw new GlasswingError({
      where: 'Glasswing backend',
      expected: 'the WebAssembly backend to initialise',
      received: 'a failed initialisation',
      hint: 'Reinstall the node modules with `npm ci`, or build the native backend: ' + NATIVE_FIX,
    })
  }
  return {
    backend: 'wasm',
    device: 'cpu',
    tensorflowVersion: null,
    tfjsVersion: tf.version_core,
    fallbackReason,
  }
}

function hasCudaDevice(): boolean {
  if (existsSync('/dev/nvidia0')) return true
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length > 0
  } catch {
    return false
  }
}

function gpuHint(): string {
  return (
    'GLASSWING_DEVICE=gpu needs an NVIDIA GPU with its driver and `GLASSWING_DEVICE=gpu make setup` run once ' +
    '(it provisions the CUDA build of TensorFlow). Unset GLASSWING_DEVICE to compute on the CPU.'
  )
}

function defaultWarn(message: string): void {
  process.emitWarning(message, { type: 'GlasswingWarning' })
}

/**
 * Turns tfjs's "kernel not registered" error into one that says which backend lacks it and how to get
 * the native one, and an interrupt seen deep inside (the model's forward pass) into one naming the
 * public call. DSL entry points pass every error through this, in their `catch`: it also frees what a
 * gradient that threw halfway (an interrupt in its forward pass, a missing kernel) left kept.
 */
export function explainBackendError(error: unknown, where: string): unknown {
  releaseFailedTape()
  if (!(error instanceof Error)) return error
  if (error instanceof GlasswingError) return relabelInterrupt(error, where)
  const missing = /Kernel '([^']+)' not registered for backend '([^']+)'/.exec(error.message)
  if (!missing) return error
  return new GlasswingError(
    {
      where,
      expected: `the '${missing[1]}' kernel`,
      received: `the '${missing[2]}' backend, which does not implement it`,
      hint: `This method needs the native TensorFlow backend. ${NATIVE_FIX}`,
    },
    { cause: error },
  )
}
