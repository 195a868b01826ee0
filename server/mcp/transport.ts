// Opening one server's transport and initializing the client over it: stdio with a minimal environment and its
// stderr piped to us, or Streamable HTTP with an SSE fallback for servers that only speak the older HTTP+SSE. `${VAR}`
// in the config is filled in here, and every value that came from the environment or sits in a header becomes a
// known secret, so it is redacted wherever it shows up later (a server echoing its env, an error message).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { addSecretValue, addSecretsFromEnv } from '../util/redact';
import { interpolate, type McpServerConfig } from './config';
import { serverEnv } from './env';

export interface Opened {
  transport: Transport;
  kind: 'stdio' | 'http' | 'sse';
}

export async function connectTransport(
  name: string,
  cfg: McpServerConfig,
  env: Record<string, string | undefined>,
  client: Client,
  onStderr: (text: string) => void,
  onSpawn: () => void,
): Promise<Opened> {
  const missing = new Set<string>();
  const used = new Set<string>();
  const I = (s: string) => interpolate(s, env, missing, used);
  const refuseMissing = () => {
    if (missing.size) throw new Error(`${[...missing].join(', ')} not set (named as \${…} in mcp_servers.${name})`);
  };
  const timeout = cfg.connect_timeout * 1000;

  if (cfg.command) {
    const command = I(cfg.command);
    const args = cfg.args.map(I);
    const own = Object.fromEntries(Object.entries(cfg.env).map(([k, v]) => [k, I(v)]));
    const cwd = cfg.cwd ? I(cfg.cwd) : undefined;
    refuseMissing();
    for (const v of used) addSecretValue(v);
    // A key written into the config as is (GITHUB_TOKEN: ghp_…) is as secret as one taken from the environment.
    addSecretsFromEnv(own);
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const transport = new StdioClientTransport({ command, args, env: serverEnv(env, own), cwd, stderr: 'pipe' });
    onSpawn();
    transport.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8')));
    await client.connect(transport, { timeout });
    return { transport, kind: 'stdio' };
  }

  const url = new URL(I(cfg.url!));
  const headers = Object.fromEntries(Object.entries(cfg.headers).map(([k, v]) => [k, I(v)]));
  refuseMissing();
  for (const v of [...used, ...Object.values(headers)]) addSecretValue(v);
  const sse = async (): Promise<Opened> => {
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    const t = new SSEClientTransport(url, { requestInit: { headers } });
    await client.connect(t, { timeout });
    return { transport: t, kind: 'sse' };
  };
  if (cfg.transport === 'sse') return sse();
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  // The host does its own reconnecting; the transport's own SSE-stream retries would hide a dead server.
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers },
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
  });
  try {
    await client.connect(transport, { timeout });
    return { transport, kind: 'http' };
  } catch (e) {
    // An older server that only speaks HTTP+SSE answers the Streamable HTTP POST with 4xx: try SSE once, unless the
    // config asked for Streamable HTTP by name.
    const code = (e as { code?: unknown }).code;
    if (cfg.transport || typeof code !== 'number' || code < 400 || code >= 500) throw e;
    await transport.close().catch(() => {});
    try {
      return await sse();
    } catch {
      throw e;
    }
  }
}
