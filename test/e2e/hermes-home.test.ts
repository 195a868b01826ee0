// An existing Hermes user's HERMES_HOME (written by the Hermes agent's own code: test/fixtures/hermes-home) works as
// it is: the host starts on it, doctor passes against a model that demands the user's key, Hermes's sessions are in
// history and search, a memory write waits for Hermes's lock and lands, `config set` changes one line — and
// afterwards Hermes's own files are as Hermes left them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const FIXTURE = resolve(__dirname, '../fixtures/hermes-home');
const KEY = readFileSync(join(FIXTURE, '.env'), 'utf8').match(/^OPENROUTER_API_KEY=(.+)$/m)![1];
const env = useE2E();
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

let home: string;
let holders: ChildProcess[] = [];

beforeEach(async () => {
  home = join(mkdtempSync(join(tmpdir(), 'hermes-user-')), 'home');
  cpSync(FIXTURE, home, { recursive: true });
  env.model.requireKey = KEY;
  // Point the user's OpenRouter setup at the scripted server: two lines of config.yaml change, nothing else.
  for (const [k, v] of [['model.provider', 'openrouter'], ['model.base_url', env.model.baseURL], ['model.default', 'test-model']]) {
    const r = await runCli(['config', 'set', k, v], { HERMES_HOME: home });
    expect(r.code, r.stderr).toBe(0);
  }
});
afterEach(() => {
  env.model.requireKey = null;
  for (const h of holders.splice(0)) h.kill('SIGKILL');
});

function changedLines(): [string, string][] {
  const a = readFileSync(join(FIXTURE, 'config.yaml'), 'utf8').split('\n');
  const b = readFileSync(join(home, 'config.yaml'), 'utf8').split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((l, i) => (l === b[i] ? [] : [[l, b[i]] as [string, string]]));
}

function hermesFilesUnchanged(): void {
  expect(sha(join(home, 'state.db'))).toBe(sha(join(FIXTURE, 'state.db')));
  expect(existsSync(join(home, 'state.db-wal')) || existsSync(join(home, 'state.db-shm'))).toBe(false);
  for (const f of ['MEMORY.md.lock', 'USER.md.lock']) expect(statSync(join(home, 'memories', f)).isFile()).toBe(true);
  expect(readFileSync(join(home, 'SOUL.md'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'SOUL.md'), 'utf8'));
  expect(readFileSync(join(home, '.env'), 'utf8')).toBe(readFileSync(join(FIXTURE, '.env'), 'utf8'));
  expect(changedLines()).toEqual([
    ['  default: anthropic/claude-sonnet-4', '  default: test-model'],
    ['  provider: auto', '  provider: openrouter'],
    ['  base_url: https://openrouter.ai/api/v1', `  base_url: ${env.model.baseURL}`],
  ]);
}

/** A python process holding Hermes's memory lock the way tools/memory_tool.py takes it. */
function holdHermesLock(file: string): Promise<ChildProcess> {
  const code = 'import fcntl, sys\nf = open(sys.argv[1], "a+")\nfcntl.flock(f, fcntl.LOCK_EX)\nprint("held", flush=True)\nsys.stdin.readline()\n';
  const p = spawn('python3', ['-c', code, `${file}.lock`], { stdio: ['pipe', 'pipe', 'inherit'] });
  holders.push(p);
  return new Promise((res, rej) => {
    p.stdout!.on('data', (d) => String(d).includes('held') && res(p));
    p.on('error', rej);
  });
}

describe("a Hermes user's HERMES_HOME", () => {
  it('doctor passes with an authenticated check naming the key variable, never the key', async () => {
    const r = await runCli(['doctor', '--json'], { HERMES_HOME: home });
    const res = JSON.parse(r.stdout);
    const byName = Object.fromEntries(res.checks.map((c: { name: string }) => [c.name, c]));
    expect(res.ok, r.stdout).toBe(true);
    expect(byName['model key']).toMatchObject({ ok: true, detail: expect.stringContaining('using the key from OPENROUTER_API_KEY') });
    // Doctor changes nothing (no host runs here): it counts Hermes's sessions and says how they come in.
    expect(byName['Hermes history'].detail).toMatch(/^0 of 3 session\(s\) imported from .*state\.db.*hermes-host import hermes/);
    expect(r.stdout).not.toContain(KEY);
    const chat = env.model.chatRequests().at(-1)!;
    expect(chat.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(chat.body.max_tokens).toBe(1);
    hermesFilesUnchanged();
  });

  it("serves --stdio with Hermes's sessions in history and search, and saves memory under Hermes's lock", async () => {
    const host = env.start({ home });
    const { client } = host;
    await client.request('initialize', { clientInfo: { name: 'test' }, hermesCapabilities: {} });
    await client.conn.sendNotification('initialized', {});

    const { threads } = await client.request('thread/list', {});
    const imported = threads.filter((t) => t.id.startsWith('hermes-'));
    expect(imported.map((t) => [t.source, t.title])).toEqual([
      ['cron', ''],
      ['telegram', 'Sourdough hydration'],
      ['cli', 'Fix the flaky deploy script'],
    ]);
    expect(imported[2].createdAt).toBe(1780000001500);
    const found = await client.request('thread/search', { query: 'rsync' });
    expect(JSON.stringify(found)).toContain('hermes-20260528_091500_a1b2c3');
    const read = await client.request('thread/read', { threadId: 'hermes-20260530_184210_d4e5f6' });
    expect(read.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);
    // A Hermes conversation continues here with its history and a system prompt of ours.
    env.model.script({ text: 'About 80% for spelt.' });
    await client.request('turn/start', { threadId: 'hermes-20260530_184210_d4e5f6', input: [{ type: 'text', text: 'And spelt?' }] });
    await client.waitFor('turn/completed', (p) => p.threadId === 'hermes-20260530_184210_d4e5f6');
    const sent = env.model.chatRequests().at(-1)!.body.messages;
    expect(sent[0].role).toBe('system');
    expect(String(sent[0].content).length).toBeGreaterThan(100);
    expect(sent.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);

    // A memory write while Hermes holds its lock waits for it, then lands on top of what is there.
    const mem = join(home, 'memories', 'MEMORY.md');
    const before = readFileSync(mem, 'utf8');
    const holder = await holdHermesLock(mem);
    const { thread } = await client.request('thread/start', {});
    env.model.script(
      { toolCalls: [{ name: 'memory', arguments: { action: 'add', target: 'memory', content: 'Ada deploys on Fridays.' } }] },
      { text: 'Saved.' },
    );
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'Remember I deploy on Fridays.' }] });
    await client.waitFor('item/started', (p) => (p.item as { tool?: string }).tool === 'memory');
    expect(readFileSync(mem, 'utf8')).toBe(before); // held off by the flock
    holder.stdin!.write('go\n');
    const done = await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(done.turn.status).toBe('completed');
    expect(readFileSync(mem, 'utf8')).toBe(`${before}\n§\nAda deploys on Fridays.\n`);
    const toolMsg = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(toolMsg.content)).toContain('Entry added');
    // Hermes's toolsets: [hermes-cli] gives the model our tools
    const offered = (env.model.chatRequests().at(-1)!.body.tools ?? []).map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(['terminal', 'read_file', 'memory', 'session_search', 'web_search']));
    await host.kill();
    hermesFilesUnchanged();
  });

  it('chat -q answers (session_search finds what was said in Hermes), and import hermes adds nothing twice', async () => {
    env.model.script({ toolCalls: [{ name: 'session_search', arguments: { query: 'rye hydration' } }] }, { text: 'Hello Ada.' });
    const r = await runCli(['chat', '-q', 'what hydration did you suggest?'], { HERMES_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Hello Ada.\n');
    const last = env.model.chatRequests().at(-1)!;
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);
    const found = String(last.body.messages.find((m) => m.role === 'tool')!.content);
    expect(found).toMatch(/thread hermes-20260530_184210_d4e5f6 "Sourdough hydration" \(2026-05-30/);
    const again = await runCli(['import', 'hermes', '--json'], { HERMES_HOME: home });
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, kind: 'hermes', sessionsAdded: 0, messagesAdded: 0 });
    expect(existsSync(join(home, 'hermes-host.db'))).toBe(true);
    hermesFilesUnchanged();
  });
});
