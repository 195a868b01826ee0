import { z } from 'zod';

export const ConfigReadResult = z.object({
  /** The effective configuration (defaults applied); secret values are never included. */
  config: z.record(z.string(), z.unknown()),
  path: z.string(),
  warnings: z.array(z.string()),
});
export const ConfigWriteParams = z.object({
  /** Dotted key, e.g. `model.default` or `approvals.mode`. */
  key: z.string().min(1),
  value: z.unknown(),
});
export const ModelInfo = z.object({ id: z.string(), ownedBy: z.string().optional() });
export const ModelListResult = z.object({
  models: z.array(ModelInfo),
  default: z.string(),
  /** Set when the endpoint could not be asked; the list then holds only configured models. */
  error: z.string().optional(),
});
