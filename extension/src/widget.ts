/**
 * The thin widget between JupyterLab and a view: validate the payload, draw it (or an error box),
 * update it in place when the same output is updated, free it on dispose.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces'
import { Widget } from '@lumino/widgets'
import type { PayloadOf, ViewKind } from '../../src/display/schema'
import { validatePayload } from '../../src/display/validate'
import { createLink, findKernel, type KernelLink } from './link'
import { errorBox, noticeBox } from './views/dom'
import { shownStrings, type CutStrings } from './views/text/shown-strings'
import type { RenderView, ViewHandle } from './views/view'

/** A renderer for one view kind. */
export class GlasswingRenderer<K extends ViewKind> extends Widget implements IRenderMime.IRenderer {
  private handle: ViewHandle<PayloadOf[K]> | null = null
  private link: KernelLink | null = null
  private notices: HTMLElement | null = null
  /** Payload strings the view shows cut, with their full text (see `shownStrings`). */
  private cut: CutStrings = new Map()

  constructor(
    private readonly kind: K,
    private readonly mimeType: string,
    private readonly view: RenderView<PayloadOf[K]>,
  ) {
    super()
    this.addClass('gw-renderer')
    this.node.addEventListener('mouseover', this.showFullText)
  }

  /** Gives a hovered element whose text holds a cut payload string the full value as its tooltip. */
  private readonly showFullText = (event: Event): void => {
    const target = event.target
    if (!(target instanceof HTMLElement) || this.cut.size === 0 || target.dataset.gwFull !== undefined) return
    const text = target.textContent ?? ''
    const cut = [...this.cut].filter(([shown]) => text.includes(shown) || target.title.includes(shown))
    if (cut.length === 0) return
    target.dataset.gwFull = ''
    target.title = target.title
      ? cut.reduce((title, [shown, full]) => title.split(shown).join(full), target.title)
      : cut.map(([, full]) => full).join('\n')
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // Marks let benchmarks and users' profilers time a view: `glasswing:<kind>` measures each render.
    const start = performance.now()
    try {
      await this.render(model)
    } finally {
      performance.measure(`glasswing:${this.kind}`, { start, end: performance.now() })
    }
  }

  private async render(model: IRenderMime.IMimeModel): Promise<void> {
    const result = validatePayload(this.kind, model.data[this.mimeType])
    if (!result.ok) {
      this.clear()
      this.node.append(
        errorBox(
          document,
          `Glasswing could not show this ${this.kind} view: the payload is not valid.`,
          result.errors,
        ),
      )
      return
    }
    const payload = shownStrings(this.kind, result.payload, this.cut)
    if (this.handle?.update && (await this.handle.update(payload))) return this.showNotices(result.notices)
    this.clear()
    this.cut = new Map()
    const shown = shownStrings(this.kind, result.payload, this.cut)
    this.link ??= createLink(() => findKernel(this))
    try {
      this.handle = await this.view(this.node, shown, { document, link: this.link })
      this.showNotices(result.notices)
    } catch (error) {
      this.clear()
      this.node.append(
        errorBox(document, `Glasswing could not draw this ${this.kind} view.`, [String(error)]),
      )
    }
  }

  /** What the view leaves out of a valid payload (non-finite values, ...), above the view. */
  private showNotices(notices: string[]): void {
    this.notices?.remove()
    this.notices = notices.length > 0 ? noticeBox(document, notices) : null
    if (this.notices) this.node.prepend(this.notices)
  }

  private clear(): void {
    this.handle?.dispose()
    this.handle = null
    this.node.replaceChildren()
  }

  override dispose(): void {
    if (this.isDisposed) return
    this.clear()
    this.link?.dispose()
    this.link = null
    super.dispose()
  }
}
