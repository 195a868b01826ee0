// One host per HERMES_HOME, with real processes: a --listen owner mid-turn, doctor, chat -q attaching and queueing,
// a second owner refused, a second editor relayed, kill -9 of the owner and recovery of the lock.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { useE2E } from '../support/e2e-env';
import { connectSocket, runCli, startHost, tempHome, writeTestConfig } from '../support/host-process';

const env = useE2E();

async function listening(home: string): Promise<string> {
  const sock = join(home, 'host.sock');
  for (let i = 0; i < 400 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
  return sock;
}

/** Connects once the host answers (a stale socket file of a killed host may still be there). */
async function attach(home: string) {
  const sock = await listening(home);
  for (let i = 0; ; i++) {
    try {
      const c = await connectSocket(sock);
      await c.initialize({ name: 'editor' });
      return c;
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * A turn that stays busy until the test lets it go, without depending on timing: its command waits for a file the
 * test creates (in a folder the sandboxed shell can see). Under load, a fixed sleep ended before doctor or a second
 * CLI had even started.
 */
function gatedTurn(then: string) {
  const root = join(homedir(), '.cache', 'hermes-host-tests');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'gate-'));
  const go = join(dir, 'go');
  return {
    script: [{ toolCalls: [{ name: 'terminal', arguments: { command: `while [ ! -e ${go} ]; do sleep 0.05; done; echo woke` } }] }, { text: then }],
    release: () => writeFileSync(go, ''),
  };
}

function turnsOf(home: string, threadId: string): { status: string }[] {
  const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
  try {
    return db.prepare('SELECT status FROM turns WHERE thread_id = ? ORDER BY seq').all(threadId) as { status: string }[];
  } finally {
    db.close();
  }
}

async function owner(extra = '') {
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL, extra);
  const host = env.start({ home, args: ['--listen'] });
  const client = await attach(home);
  return { home, host, client, cliEnv: { HERMES_HOME: home } };
}

describe('one host per HERMES_HOME', () => {
  it('doctor names the running owner and leaves its running turn alone', async () => {
    const o = await owner();
    const { thread } = await o.client.request('thread/start', {});
    const gate = gatedTurn('slow answer');
    env.model.script(...gate.script);
    await o.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'take your time' }] });
    await o.client.waitFor('item/started', (p) => p.item.type === 'commandExecution');
    const doc = await runCli(['doctor'], o.cliEnv);
    expect(doc.stdout).toMatch(new RegExp(`host: running: hermes-host pid ${o.host.proc.pid}`));
    expect(turnsOf(o.home, thread.id).map((t) => t.status)).toEqual(['inProgress']);
    gate.release();
    const done = await o.client.waitFor('turn/completed', () => true, 25_000);
    expect(done.turn.status).toBe('completed');
  });

  it('a second owner on the same home is refused with a message naming the running one', async () => {
    const o = await owner();
    const second = await runCli(['--listen', join(mkdtempSync(join(tmpdir(), 'sock-')), 'other.sock')], o.cliEnv);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already owned by hermes-host pid ${o.host.proc.pid} (--listen`);
  });

  it('chat -q attaches to the owner; on a busy thread it is refused, or queued in order with --busy queue', async () => {
    const o = await owner();
    const { thread } = await o.client.request('thread/start', {});
    const gate = gatedTurn('first answer');
    env.model.script(...gate.script);
    await o.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'first' }] });
    await o.client.waitFor('item/started', (p) => p.item.type === 'commandExecution');
    const refused = await runCli(['chat', '-q', 'second', '--thread', thread.id], o.cliEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is running turn/);
    env.model.script({ text: 'second answer' });
    const queuedRun = runCli(['chat', '-q', 'second', '--thread', thread.id, '--busy', 'queue'], o.cliEnv);
    // The first turn ends only once the CLI's turn waits behind it (the host's /status counts it).
    for (;;) {
      const { message } = await o.client.request('command/run', { threadId: thread.id, text: '/status' });
      if (/1 queued/.test(message ?? '')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    gate.release();
    const queued = await queuedRun;
    expect(queued.code).toBe(0);
    expect(queued.stdout).toContain('second answer');
    expect(queued.stderr).toContain('queued');
    // Stored history is in order: user, assistant, user, assistant — never interleaved.
    const read = await o.client.request('thread/read', { threadId: thread.id });
    const kinds = read.items.filter((i) => i.type === 'userMessage' || i.type === 'agentMessage').map((i) => i.type);
    expect(kinds).toEqual(['userMessage', 'agentMessage', 'userMessage', 'agentMessage']);
    const second = env.model.chatRequests().at(-1)!.body.messages.map((m) => m.role);
    expect(second).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    // The owner's client saw the CLI's turn on its own thread.
    expect(o.client.of('turn/completed').filter((t) => t.threadId === thread.id)).toHaveLength(2);
  });

  it('steer hands a message to the running turn before its next model call', async () => {
    const o = await owner();
    const { thread } = await o.client.request('thread/start', {});
    env.model.script(
      { toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 1; echo slept' } }] },
      { text: 'done, with the steer seen' },
    );
    await o.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'work' }] });
    await o.client.waitFor('item/started', (p) => p.item.type === 'commandExecution');
    const r = await o.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'also check the README' }], busy: 'steer' });
    expect(r.disposition).toBe('steered');
    await o.client.waitFor('turn/completed');
    const last = env.model.chatRequests().at(-1)!.body.messages;
    expect(last.at(-1)).toMatchObject({ role: 'user', content: 'also check the README' });
  });

  it('config set reaches the running host, which announces the change', async () => {
    const o = await owner();
    const r = await runCli(['config', 'set', 'approvals.timeout', '42'], o.cliEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('applied to the running host');
    const changed = await o.client.waitFor('config/changed');
    expect((changed.config as any).approvals.timeout).toBe(42);
    expect((await o.client.request('config/read', {})).config).toMatchObject({ approvals: { timeout: 42 } });
    // An edit on disk is picked up too; a key read only at start is named as needing a restart.
    const path = join(o.home, 'config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8') + 'logging:\n  level: debug\n');
    const edited = await o.client.waitFor('config/changed', (p) => p.restartRequired.length > 0);
    expect(edited.restartRequired).toContain('logging.level');
  });

  it('a second editor spawning --stdio is relayed to the owner and shares its threads', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const first = env.start({ home });
    await first.client.initialize({ name: 'vscode' });
    await listening(home);
    const second = env.start({ home });
    await second.client.initialize({ name: 'vscode' });
    const { thread } = await first.client.request('thread/start', {});
    const listed = await second.client.request('thread/list', {});
    expect(listed.threads.map((t) => t.id)).toContain(thread.id);
    // The first window closes; the owner stays while the second is attached.
    first.client.dispose();
    first.proc.stdin!.end();
    await new Promise((r) => setTimeout(r, 800));
    expect(first.proc.exitCode).toBeNull();
    expect((await second.client.request('thread/list', {})).threads.length).toBe(1);
  });

  it('after kill -9 of the owner the next start takes the lock and closes the orphaned turn', async () => {
    const o = await owner();
    const { thread } = await o.client.request('thread/start', {});
    env.model.script(...gatedTurn('never finished').script); // never released: the owner is killed mid-command
    await o.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await o.client.waitFor('item/started', (p) => p.item.type === 'commandExecution');
    await o.host.kill('SIGKILL');
    env.model.reset(); // the killed turn never asks for its second reply
    expect(turnsOf(o.home, thread.id).map((t) => t.status)).toEqual(['inProgress']);
    const next = startHost({ home: o.home, args: ['--listen'] });
    try {
      const c = await attach(o.home);
      expect(turnsOf(o.home, thread.id).map((t) => t.status)).toEqual(['interrupted']);
      c.dispose();
    } finally {
      await next.kill();
    }
  });
});
