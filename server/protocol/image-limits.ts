// Image input limits, with no zod: the webview imports these values, and pulling zod into its bundle would run
// zod's `new Function` probe, which the webview's CSP (no unsafe-eval) reports as a violation.
export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];
/** Decoded bytes per image. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
