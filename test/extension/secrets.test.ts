// API keys and secret answers never reach the output channel: the channel the LanguageClient writes to (host
// stderr, JSON-RPC trace with the initialize params) redacts them. The last test runs the real built host with a
// verbose protocol trace, the way vscode-languageclient traces it.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, Trace } from 'vscode-jsonrpc/node';
import { redactingChannel, REDACTED, SecretRedactor } from '../../extension/host/redact';
import { parseHostLogLine } from '../../extension/host/host-log';
import { ApiKeys } from '../../extension/secrets';
import { HOST_ENTRY, tempHome } from '../support/host-process';
import { makeLogChannel } from './vscode-stub';

const OPENAI = 'sk-live-0123456789abcdefghijklmnop';
const ROUTER = 'or-key-with "quotes" and \\ slashes';

describe('SecretRedactor', () => {
  it('redacts secret JSON members and secrets objects whatever their values', () => {
    const r = new SecretRedactor();
    const text = JSON.stringify({ initializationOptions: { secrets: { OPENAI_API_KEY: 'abc', X: 'y' } }, other: { GITHUB_TOKEN: 'ghp_x', apiKey: 'k' } });
    const out = r.redact(text);
    expect(out).not.toMatch(/abc|ghp_x|"k"/);
    expect(out).toContain(REDACTED);
    expect(r.redact('{"name":"TAVILY_API_KEY","value":"tvly-1"}')).toBe(`{"name":"TAVILY_API_KEY","value":"${REDACTED}"}`);
  });

  it('redacts registered values anywhere, also in their JSON-escaped form', () => {
    const r = new SecretRedactor();
    r.add(ROUTER);
    r.add('abc'); // too short to redact safely
    const escaped = JSON.stringify(ROUTER).slice(1, -1);
    expect(r.redact(`raw ${ROUTER} json ${escaped} abc`)).toBe(`raw ${REDACTED} json ${REDACTED} abc`);
  });

  it('redacts provider key shapes it was not told about', () => {
    expect(new SecretRedactor().redact(`Authorization: Bearer ${OPENAI}`)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('the wrapped channel redacts every write path and keeps the rest', () => {
    const inner = makeLogChannel('Hermes');
    const r = new SecretRedactor();
    r.add(ROUTER);
    const ch = redactingChannel(inner as any, r);
    ch.append(ROUTER);
    ch.appendLine(ROUTER);
    ch.trace('params', { secrets: { OPENROUTER_API_KEY: ROUTER } });
    ch.debug(ROUTER);
    ch.info(ROUTER);
    ch.warn(ROUTER);
    ch.error(new Error(`failed with ${ROUTER}`));
    ch.replace(`x ${ROUTER}`);
    expect(inner.lines.join('\n')).not.toContain(ROUTER);
    expect(inner.lines).toEqual([`x ${REDACTED}`]);
    expect(ch.name).toBe('Hermes');
  });
});

describe('ApiKeys', () => {
  it('stores keys by provider in SecretStorage and hands them out by env name, registered for redaction', async () => {
    const store = new Map<string, string>();
    const storage = {
      get: async (k: string) => store.get(k),
      store: async (k: string, v: string) => void store.set(k, v),
      delete: async (k: string) => void store.delete(k),
      onDidChange: () => ({ dispose() {} }),
    };
    const r = new SecretRedactor();
    const keys = new ApiKeys(storage as any, r);
    expect(await keys.has()).toBe(false);
    await keys.set('openai', `  ${OPENAI}  `);
    await keys.set('openrouter', ROUTER);
    expect([...store.keys()].sort()).toEqual(['hermes.apiKey.OPENAI_API_KEY', 'hermes.apiKey.OPENROUTER_API_KEY']);
    expect(await keys.all()).toEqual({ OPENROUTER_API_KEY: ROUTER, OPENAI_API_KEY: OPENAI });
    expect(r.redact(`${ROUTER}`)).toBe(REDACTED);
    await expect(keys.set('openai', '   ')).rejects.toThrow(/empty/);
    await keys.clear('openai');
    expect(Object.keys(await keys.all())).toEqual(['OPENROUTER_API_KEY']);
  });
});

describe('host log lines', () => {
  it('splits level and text; anything else is shown as an error line', () => {
    expect(parseHostLogLine('2026-01-02T03:04:05.678Z INFO [rpc] client initialized')).toEqual({ level: 'info', text: '[rpc] client initialized' });
    expect(parseHostLogLine('2026-01-02T03:04:05.678Z WARN [x] careful\r')).toEqual({ level: 'warn', text: '[x] careful' });
    expect(parseHostLogLine('Error: Cannot find module better-sqlite3')).toEqual({ level: 'error', text: 'Error: Cannot find module better-sqlite3' });
    expect(parseHostLogLine('   ')).toBeNull();
  });
});

describe('the real host with a verbose protocol trace', () => {
  it('prints neither the initialize secrets nor a secret/set value', async () => {
    const home = tempHome();
    const inner = makeLogChannel('Hermes');
    const redactor = new SecretRedactor();
    const channel = redactingChannel(inner as any, redactor);
    // As the extension does: keys from SecretStorage are registered before the handshake is sent.
    redactor.add(OPENAI);
    const proc = spawn(process.execPath, [HOST_ENTRY, '--stdio'], { env: { ...process.env, HERMES_HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    proc.stderr.on('data', (d) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const l = parseHostLogLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (l) channel[l.level](l.text);
      }
    });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.listen();
    await conn.trace(Trace.Verbose, { log: (m: string, data?: string) => channel.trace(data ? `${m}\n${data}` : m) });
    try {
      await conn.sendRequest('initialize', {
        processId: null,
        capabilities: {},
        initializationOptions: {
          clientInfo: { name: 'vscode' },
          hermesCapabilities: { approvals: true, secrets: true },
          secrets: { OPENAI_API_KEY: OPENAI, OPENROUTER_API_KEY: 'unregistered-router-key-value' },
        },
      });
      await conn.sendNotification('initialized', {});
      // The trace prints the outgoing params whether or not this host version implements the method.
      await conn.sendRequest('secret/set', { name: 'TAVILY_API_KEY', value: 'tvly-typed-by-the-user-123' }).catch(() => {});
      await conn.sendRequest('shutdown', null);
    } finally {
      conn.dispose();
      proc.kill();
      await new Promise((r) => proc.once('exit', r));
      rmSync(home, { recursive: true, force: true });
    }
    const text = inner.lines.join('\n');
    expect(text).toContain("Sending request 'initialize");
    expect(text).toContain("Sending request 'secret/set");
    expect(text).toContain(REDACTED);
    for (const secret of [OPENAI, 'unregistered-router-key-value', 'tvly-typed-by-the-user-123']) expect(text).not.toContain(secret);
  }, 30_000);
});
