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
/** config.yaml changed (a client's config/write, `config set`, or an edit on disk) and the host reloaded it. */
export const ConfigChangedNotification = z.object({
  config: z.record(z.string(), z.unknown()),
  warnings: z.array(z.string()),
  /** Changed keys that take effect only after a host restart. */
  restartRequired: z.array(z.string()),
  /** Set when the new file is invalid: the host keeps running on the previous configuration. */
  error: z.string().optional(),
});
export const ModelInfo = z.object({ id: z.string(), ownedBy: z.string().optional() });
export const ModelListResult = z.object({
  models: z.array(ModelInfo),
  default: z.string(),
  /** Set when the endpoint could not be asked; the list then holds only configured models. */
  error: z.string().optional(),
});
