// Runs a request under its Idempotency-Key (when it has one): the first request with a key runs and its response is
// kept; a repeat with the same body is answered from that (`replay`), waiting for it when it is still running.
import type { StoredResponse } from './idempotency';
import type { ApiServices, RequestContext } from './context';

export async function runIdempotent(
  s: ApiServices,
  ctx: RequestContext,
  key: string | undefined,
  scope: string,
  fp: string,
  run: () => Promise<StoredResponse>,
  replay: (r: StoredResponse) => void,
): Promise<void> {
  if (!key) {
    await run();
    return;
  }
  for (;;) {
    const c = s.idempotency.claim(scope, key, fp);
    if (c.kind === 'done') return replay(c.response);
    if (c.kind === 'wait') {
      const r = await c.response;
      if (r) return replay(r);
      continue; // the first request failed: this one runs instead
    }
    try {
      const r = await run();
      c.finish(r);
      return;
    } catch (e) {
      c.fail();
      throw e;
    }
  }
}
