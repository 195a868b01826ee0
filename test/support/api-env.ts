// A built host serving the OpenAI-compatible HTTP API (`--listen` plus `api.enabled`), for tests and benchmarks:
// the API's URL is read from the line the host prints when it listens.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, tempHome, writeTestConfig, type HostProcess } from './host-process';

export interface ApiHost {
  host: HostProcess;
  home: string;
  socket: string;
  url: string;
}

/**
 * `start` is how the host process is started: a test's own (useE2E's `env.start`, killed after the test) or
 * `startHost` for one the caller keeps across tests and kills itself.
 */
export async function startApiHost(
  modelURL: string,
  opts: { api?: string; extra?: string; env?: Record<string, string>; start?: typeof startHost } = {},
): Promise<ApiHost> {
  const home = tempHome();
  writeTestConfig(home, modelURL, `api:\n  enabled: true\n  port: 0\n${opts.api ?? ''}${opts.extra ?? ''}`);
  const host = (opts.start ?? startHost)({ home, args: ['--listen'], env: opts.env });
  const socket = join(home, 'host.sock');
  let url = '';
  for (let i = 0; i < 800 && !url; i++) {
    const m = /HTTP API listening on (http:\/\/\S+)/.exec(host.stderr());
    if (m && existsSync(socket)) url = m[1];
    else if (host.proc.exitCode !== null) throw new Error(`host exited: ${host.stderr()}`);
    else await new Promise((r) => setTimeout(r, 25));
  }
  if (!url) throw new Error(`the API did not start: ${host.stderr()}`);
  return { host, home, socket, url };
}
