/** Results to MIME bundles: the display contract shared by every Glasswing result. */
export { MIME_TYPES, type PayloadBase, type Provenance, type ViewKind } from './schema'
export { JUPYTER_DISPLAY, isDisplayable, mimeBundleOf, type Displayable, type MimeBundle } from './bundle'
export { encodePng, decodePng } from './png'
export { makeProvenance, modelFingerprint } from './provenance'
