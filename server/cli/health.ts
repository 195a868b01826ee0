// `hermes-host health`: is the owning host of this HERMES_HOME alive and answering? The container's HEALTHCHECK and
// service supervisors run it. It attaches to the owner's socket and completes a real JSON-RPC exchange
// (`initialize`, then `gateway/status`) within a deadline, so a process that holds the lock but no longer answers
// (a blocked event loop, a dead socket) is unhealthy, as is a gateway whose platform has failed for good (a revoked
// token): reconnecting after a network error is not a failure. Exit 0 healthy, 1 not (Docker reads only 0 and 1).
import { HostConnection } from './rpc-client';
import type { RequestResult } from '../protocol';

export interface HealthReport {
  healthy: boolean;
  /** One line for people and for `docker inspect`'s health log. */
  summary: string;
  version?: string;
  gateway?: RequestResult<'gateway/status'>;
}

export async function checkHealth(socketPath: string, timeoutMs: number): Promise<HealthReport> {
  let conn: HostConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the host did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        conn = await HostConnection.connect(socketPath, timeoutMs);
        const init = await conn.initialize({ name: 'health' });
        const gw = await conn.request('gateway/status', {});
        return judge(init.serverInfo.version, gw);
      })(),
      deadline,
    ]);
  } catch (e) {
    return { healthy: false, summary: `unhealthy: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
    conn?.close();
  }
}

/**
 * The whole `health` run, for the CLI command and the container probe alike: checks the timeout (throws on a bad
 * one), prints the report (one line, or JSON) and returns the exit code.
 */
export async function runHealth(socketPath: string, timeout: string, json: boolean): Promise<number> {
  const ms = Number(timeout);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`--timeout: "${timeout}" is not a positive number of milliseconds`);
  const r = await checkHealth(socketPath, ms);
  process.stdout.write(json ? JSON.stringify(r, null, 2) + '\n' : r.summary + '\n');
  return r.healthy ? 0 : 1;
}

function judge(version: string | undefined, gw: RequestResult<'gateway/status'>): HealthReport {
  const host = `host ${version ?? '?'} answers`;
  if (!gw.running) return { healthy: true, summary: `healthy: ${host} (no gateway)`, version, gateway: gw };
  const failed = gw.platforms.filter((p) => p.state === 'failed');
  const states = gw.platforms.map((p) => `${p.platform} ${p.state}`).join(', ') || 'no platform configured';
  const pending = gw.outbox.pending ?? 0;
  if (failed.length) {
    const why = failed.map((p) => `${p.platform}: ${p.lastError ?? 'failed'}`).join('; ');
    return { healthy: false, summary: `unhealthy: ${host}, but ${why}`, version, gateway: gw };
  }
  return { healthy: true, summary: `healthy: ${host}; gateway: ${states}; outbox ${pending} pending`, version, gateway: gw };
}
