/**
 * Rich display: how Glasswing results show themselves in a notebook.
 *
 * A result offers a MIME bundle under `Symbol.for('Jupyter.display')` (the convention Deno's kernel
 * uses); the Glasswing kernel sends that bundle as the cell's `execute_result`. Every bundle carries the
 * view's JSON payload, a static `image/png` for GitHub, nbviewer, VS Code and exports, and `text/plain`.
 */

/** A Jupyter MIME bundle: MIME type to data (strings, or JSON for `+json` types). */
export type MimeBundle = { 'text/plain': string } & Record<string, unknown>

/** The symbol under which a value offers its MIME bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never

/** A value that can display itself. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>
}

/** Whether a value offers a MIME bundle. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === 'function'
  )
}

/** The MIME bundle a value offers, or a `text/plain` one made from `fallbackText` if it offers none. */
export async function mimeBundleOf(
  value: unknown,
  fallbackText: (value: unknown) => string,
): Promise<MimeBundle> {
  if (isDisplayable(value)) return withStaticFallbacks(await value[JUPYTER_DISPLAY]())
  return { 'text/plain': fallbackText(value) }
}

/**
 * Completes a view's bundle with a script-free `text/html` (its PNG and its text, escaped) where it has a
 * PNG but no HTML, so exported HTML, nbviewer and front ends without the extension show the picture.
 *
 * @example
 * withStaticFallbacks({ 'text/plain': 'Attribution ...', 'image/png': base64 })['text/html']
 */
export function withStaticFallbacks(bundle: MimeBundle): MimeBundle {
  const png = bundle['image/png']
  if (typeof png !== 'string' || 'text/html' in bundle) return bundle
  const text = escapeHtml(bundle['text/plain'])
  const html = `<figure class="glasswing-static"><img alt="${text.split('\n')[0]}" src="data:image/png;base64,${png}"/><figcaption><pre>${text}</pre></figcaption></figure>`
  return { ...bundle, 'text/html': html }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
