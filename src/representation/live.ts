/**
 * Live embeddings: while t-SNE or UMAP optimises, the notebook output shows the current embedding and
 * is updated in place (one display id); the user's interrupt stops the run at the next update.
 */
import { display, type DisplayHandle } from '../session/display'
import { sessionState } from '../session/hooks'
import { interruptedError, interruptRequested } from '../session/interrupt'
import type { Embedding } from './embedding'
import type { EmbeddingProgress, ProgressCallback } from './tsne'

/** A progress callback for the methods, and a way to close the live output. */
export interface LiveProgress {
  onProgress: ProgressCallback
  /**
   * Ends the live output: with `keep`, it shows the final embedding as its own interactive view (one of
   * several layers, whose returned comparison is a static summary), shown now if nothing was live;
   * otherwise it becomes a one-line note, since the returned result shows the final embedding.
   */
  finish(result: Embedding, keep?: boolean): void
}

/** Whether live views are shown: as asked, else when a notebook front end is attached. */
export function showsLiveViews(enabled: boolean | undefined): boolean {
  return enabled ?? sessionState().hooks.richDisplay
}

/**
 * Live updates when `enabled` (default: a notebook front end is attached); always checks interrupts.
 *
 * @example
 * const live = liveProgress(undefined, 'gw.embed', (p) => new Embedding(p.coordinates, details))
 */
export function liveProgress(
  enabled: boolean | undefined,
  where: string,
  snapshot: (progress: EmbeddingProgress) => Embedding,
): LiveProgress {
  const hooks = sessionState().hooks
  const show = showsLiveViews(enabled)
  let handle: DisplayHandle | undefined
  return {
    onProgress: async (progress) => {
      if (interruptRequested(hooks)) {
        throw interruptedError(where, {
          done: progress.iteration,
          total: progress.iterations,
          unit: 'iterations',
        })
      }
      if (!show) return
      const frame = snapshot(progress)
      if (handle) handle.update(frame)
      else handle = display(frame)
      // Let the kernel send the update before the next iterations run.
      await new Promise((resolve) => setImmediate(resolve))
    },
    finish(result, keep = false) {
      if (keep) {
        if (handle) handle.update(result)
        else if (show) display(result)
        return
      }
      handle?.update({
        [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': `${result.toString()} (live view ended)` }),
      })
    },
  }
}
