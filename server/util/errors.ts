import type { ErrorKind } from '../protocol';

/** An error with a protocol `kind`; the RPC layer turns it into a JSON-RPC error with `data.kind`. */
export class HostError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HostError';
  }
}
