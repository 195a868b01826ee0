// What the HTTP API runs with: config.yaml's `api` section, where unset falling back to the Hermes agent's
// API_SERVER_* variables (process environment, then HERMES_HOME/.env), then defaults. The one rule that is never
// relaxed: a bind address other than loopback needs API_SERVER_KEY of at least 32 characters.
import type { HermesConfig } from '../config/schema';

export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 8642;
export const MIN_KEY_CHARS = 32;
export const DEFAULT_AGENT_ID = 'hermes-agent';

export interface ApiSettings {
  enabled: boolean;
  /** Where `enabled` came from: config.yaml (a failure to start stops the host) or Hermes's API_SERVER_ENABLED
   *  (shared with a Hermes gateway that may hold the port: a failure is reported and the host runs on). */
  enabledBy: 'config' | 'env' | 'default';
  host: string;
  port: number;
  /** API_SERVER_KEY; when set every route but /health needs `Authorization: Bearer <key>`, loopback included. */
  key?: string;
  corsOrigins: string[];
  maxBodyBytes: number;
  rate: { perMinute: number; burst: number };
  approvals: 'deny' | 'forward';
  /** The agent's model id in /v1/models; requests naming it run on the configured default model. */
  agentId: string;
}

/** A setting that stops the API from starting; `fatal`: the owning host refuses to start with it (exit 2). */
export class ApiSettingsError extends Error {
  constructor(
    message: string,
    readonly fatal = true,
  ) {
    super(message);
  }
}

const truthy = (v: string | undefined) => /^(1|true|yes|on)$/i.test((v ?? '').trim());

export function apiSettings(config: HermesConfig, env: Record<string, string | undefined>, where: { config: string; env: string }): ApiSettings {
  const a = config.api;
  const enabled = a.enabled ?? truthy(env.API_SERVER_ENABLED);
  let port = a.port;
  // Hermes's variables are read only for an API that runs: a bad one must not stop a host that does not serve it.
  if (enabled && port === undefined && env.API_SERVER_PORT?.trim()) {
    const n = Number(env.API_SERVER_PORT.trim());
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ApiSettingsError(`${where.env}: API_SERVER_PORT: "${env.API_SERVER_PORT}" is not a port number (0-65535)`, a.enabled !== undefined);
    port = n;
  }
  const key = env.API_SERVER_KEY?.trim() || undefined;
  return {
    enabled,
    enabledBy: a.enabled !== undefined ? 'config' : truthy(env.API_SERVER_ENABLED) ? 'env' : 'default',
    host: (a.host ?? env.API_SERVER_HOST?.trim()) || DEFAULT_API_HOST,
    port: port ?? DEFAULT_API_PORT,
    ...(key ? { key } : {}),
    corsOrigins: (a.cors_origins ?? (env.API_SERVER_CORS_ORIGINS ?? '').split(',')).map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean),
    maxBodyBytes: a.max_request_bytes,
    rate: { perMinute: a.rate_limit.per_minute, burst: a.rate_limit.burst },
    approvals: a.approvals,
    agentId: (a.model_name ?? env.API_SERVER_MODEL_NAME?.trim()) || DEFAULT_AGENT_ID,
  };
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h) ?? /^::ffff:127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}

/** Refuses a bind the network could reach without a strong key; a clear message names where to fix it. */
export function checkBind(s: ApiSettings, where: { config: string; env: string }): void {
  if (isLoopbackHost(s.host)) return;
  if (s.key && s.key.length >= MIN_KEY_CHARS) return;
  const now = s.key ? `it is ${s.key.length} characters` : 'it is not set';
  throw new ApiSettingsError(
    `${s.enabledBy === 'env' ? `${where.env}: API_SERVER_ENABLED with ` : ''}${where.config}: api.host: the HTTP API would listen on ${s.host}, which is not a loopback address, and API_SERVER_KEY ` +
      `must then be at least ${MIN_KEY_CHARS} characters (${now}). Put one in ${where.env} (e.g. API_SERVER_KEY=$(openssl rand -hex 32)) ` +
      `or bind 127.0.0.1.`,
    s.enabledBy !== 'env',
  );
}
