// Starting the OpenAI-compatible HTTP API inside the owning host (off unless `api.enabled` or API_SERVER_ENABLED).
import type { AddressInfo } from 'node:net';
import type { Host } from '../host';
import { addSecretValue } from '../util/redact';
import { apiSettings, checkBind, ApiSettingsError, type ApiSettings } from './settings';
import { ApiSurface } from './surface';
import { ApiTurns } from './turn';
import { ApiSessions } from './sessions';
import { Idempotency } from './idempotency';
import { ResponseStore } from './response-store';
import { createApiServer } from './server';

export { ApiSettingsError } from './settings';

export interface RunningApi {
  url: string;
  settings: ApiSettings;
  close(): Promise<void>;
}

/** The API's settings for this host (config.yaml, then API_SERVER_* from the environment and .env). */
export function settingsOf(host: Host): ApiSettings {
  return apiSettings(host.config, host.env(), { config: host.paths.config, env: host.paths.env });
}

/** Starts the API when enabled; undefined when it is off. Throws ApiSettingsError for a bind it must refuse. */
export async function startApi(host: Host): Promise<RunningApi | undefined> {
  const settings = settingsOf(host);
  if (!settings.enabled) return undefined;
  checkBind(settings, { config: host.paths.config, env: host.paths.env });
  if (settings.key) addSecretValue(settings.key);
  const surface = new ApiSurface(host.hub);
  const server = createApiServer({
    host,
    settings,
    turns: new ApiTurns(host, surface, settings),
    sessions: new ApiSessions(host),
    idempotency: new Idempotency(host.store.db),
    responses: new ResponseStore(host.store.db),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    surface.close();
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the port is in use (another hermes-host or Hermes gateway?)' : err.message;
    throw new ApiSettingsError(`${host.paths.config}: api: cannot listen on ${settings.host}:${settings.port}: ${why}`, settings.enabledBy !== 'env');
  }
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shown}:${addr.port}`;
  host.log.info(`HTTP API listening on ${url}${settings.key ? ' (bearer key required)' : ' (loopback, no key)'}; approvals: ${settings.approvals}`);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    surface.close();
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  };
  host.onClose(close);
  return { url, settings, close };
}
