/**
 * The session: display, progress and comms, with no Jupyter knowledge. The Glasswing kernel installs
 * hooks that turn these into Jupyter messages; plain Node prints text.
 */
export {
  installSessionHooks,
  plainNodeHooks,
  sessionState,
  type CommHandle,
  type CommTargetHandler,
  type CommTransport,
  type DisplayRequest,
  type SessionHooks,
} from './hooks'
export {
  bundleOf,
  clearOutput,
  display,
  plainText,
  settleDisplays,
  type DisplayHandle,
  type DisplayOptions,
} from './display'
export {
  progress,
  progressHtml,
  progressText,
  type ProgressBar,
  type ProgressOptions,
  type ProgressSnapshot,
} from './progress'
export {
  listComms,
  openComm,
  receiveCommClose,
  receiveCommMessage,
  receiveCommOpen,
  registerCommTarget,
} from './comms'
export { closeAbandonedScopes } from './recover'
export {
  interruptRequested,
  interruptedError,
  isInterrupt,
  relabelInterrupt,
  throwIfInterrupted,
  type InterruptPoint,
} from './interrupt'
