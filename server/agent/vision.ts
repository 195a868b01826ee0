// Whether the model gets the pixels of images users send. `agent.image_input_mode` (Hermes's key): `native` always
// sends them, `text` never does (the model reads where each image is saved), `auto` sends them until the model
// refuses one — a provider that takes no images answers HTTP 400 naming images or vision — and from then on, for
// that model, for the rest of the host's life (unless the refusal was about an image's size). Either way a refused
// request is retried once without the images.
import type { HermesConfig } from '../config/schema';
import { ModelCallError } from './model-client';

export type ImageMode = 'native' | 'text';

/** Models that refused image input since the host started. */
const refused = new Set<string>();

export function imageModeFor(config: HermesConfig, model: string): ImageMode {
  const mode = config.agent.image_input_mode;
  if (mode === 'text') return 'text';
  if (mode === 'native') return 'native';
  return refused.has(model) ? 'text' : 'native';
}

export function rememberNoVision(model: string): void {
  refused.add(model);
}

/** Test seam: forget what models refused. */
export function forgetVisionRefusals(): void {
  refused.clear();
}

/**
 * The provider refused the request because of its images: a client error (400, 413, 415, 422) whose message talks
 * about images, vision or multimodal input. Other client errors are not retried without images.
 */
/** The refusal was about an image's size, not about images as such: the model may take smaller ones. */
export function refusedForSize(e: unknown): boolean {
  return e instanceof ModelCallError && /too (large|big)|exceeds|maximum|max(imum)? size|dimensions/i.test(e.message);
}

export function rejectsImages(e: unknown): boolean {
  if (!(e instanceof ModelCallError)) return false;
  const status = e.failure.httpStatus;
  if (status === undefined || ![400, 413, 415, 422].includes(status)) return false;
  return /image|vision|multi-?modal/i.test(e.message);
}
