/** Results to MIME bundles: the display contract shared by every Glasswing result. */
export { MIME_TYPES, COMM_TARGET } from './schema'
export type * from './schema'
export { encodeArray, decodeArray, encodeRawImage, bytesToBase64, base64ToBytes } from './codec'
export { validatePayload, type Validation } from './validate'
export {
  JUPYTER_DISPLAY,
  isDisplayable,
  mimeBundleOf,
  withStaticFallbacks,
  escapeHtml,
  type Displayable,
  type MimeBundle,
} from './bundle'
export { encodePng, decodePng } from './png'
export { html, markdown, image, mimeBundle, Content, type ImageSource, type ImageOptions } from './content'
export { makeProvenance, modelFingerprint } from './provenance'
