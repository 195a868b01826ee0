// Shared by the bypass regression tests: a host whose HOME is a throwaway directory holding victim files, a client
// that denies every approval (or approves a chosen few), and one turn per tool call.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { E2EEnv } from './e2e-env';
import { tempHome, writeTestConfig, type HostProcess } from './host-process';

export interface Victims {
  hermesHome: string;
  userHome: string;
  ws: string;
  host: HostProcess;
  threadId: string;
  /** Commands the client approves once; everything else is denied. */
  approve: Set<string>;
  /** Every approval request the host sent, by subject. */
  asked: string[];
}

export const CONFIG_EXTRA = 'approvals:\n  mode: manual\n  timeout: 5\n';

export async function setupVictims(env: E2EEnv): Promise<Victims> {
  const hermesHome = tempHome();
  const userHome = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-victim-home-')));
  const ws = join(userHome, 'proj');
  mkdirSync(join(ws, 'build'), { recursive: true });
  writeFileSync(join(ws, 'build', 'out.o'), 'x');
  writeFileSync(join(ws, 'important.db'), 'precious rows');
  mkdirSync(join(userHome, 'victim'));
  writeFileSync(join(userHome, 'victim', 'keep.txt'), 'keep me');
  writeFileSync(join(userHome, '.bashrc'), '# rc\n');
  writeFileSync(join(userHome, '.profile'), '# profile\n');
  mkdirSync(join(userHome, '.ssh'));
  writeFileSync(join(userHome, '.ssh', 'id_rsa'), 'PRIVATE-KEY-MATERIAL-0123456789');
  writeFileSync(join(userHome, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA owner\n');
  mkdirSync(join(userHome, '.aws'));
  writeFileSync(join(userHome, '.aws', 'credentials'), '[default]\naws_secret_access_key=AWS-SECRET-0123456789\n');
  writeTestConfig(hermesHome, env.model.baseURL, CONFIG_EXTRA);
  const approve = new Set<string>();
  const asked: string[] = [];
  const host = env.start({
    home: hermesHome,
    // Tools find pyenv and the like through HOME; point them back at the real installs.
    env: { HOME: userHome, PYENV_ROOT: process.env.PYENV_ROOT ?? '/root/.pyenv' },
    handlers: {
      'approval/request': (p: { command?: string; path?: string }) => {
        const subject = p.command ?? p.path ?? '';
        asked.push(subject);
        return { decision: approve.has(subject) ? 'once' : 'deny' };
      },
    },
  });
  await host.client.initialize({ approvals: true, workspace: ws });
  const { thread } = await host.client.request('thread/start', {});
  return { hermesHome, userHome, ws, host, threadId: thread.id, approve, asked };
}

/** One turn: the model calls `tool` with `args`; returns the tool result the model saw. */
export async function call(env: E2EEnv, v: Victims, tool: string, args: Record<string, unknown>): Promise<string> {
  return (await callMany(env, v, [{ name: tool, arguments: args }]))[0] ?? '';
}

/** One turn in which the model makes several tool calls (run one after another); their results, in order. */
export async function callMany(env: E2EEnv, v: Victims, calls: { name: string; arguments: Record<string, unknown> }[]): Promise<string[]> {
  env.model.script({ toolCalls: calls }, { text: 'ok' });
  const before = v.host.client.of('turn/completed').length;
  await v.host.client.request('turn/start', { threadId: v.threadId, input: [{ type: 'text', text: 'go' }] });
  await v.host.client.waitFor('turn/completed', () => v.host.client.of('turn/completed').length > before);
  const msgs = env.model.chatRequests().at(-1)!.body.messages;
  const lastUser = msgs.map((m) => m.role).lastIndexOf('user');
  return msgs.slice(lastUser).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

/** What must survive every attempt. */
export function intact(v: Victims): string[] {
  const bad: string[] = [];
  const same = (p: string, text: string) => {
    if (!existsSync(p) || readFileSync(p, 'utf8') !== text) bad.push(p);
  };
  same(join(v.userHome, 'victim', 'keep.txt'), 'keep me');
  same(join(v.userHome, '.bashrc'), '# rc\n');
  same(join(v.userHome, '.profile'), '# profile\n');
  same(join(v.userHome, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA owner\n');
  same(join(v.ws, 'build', 'out.o'), 'x');
  same(join(v.ws, 'important.db'), 'precious rows');
  if (!readFileSync(join(v.hermesHome, 'config.yaml'), 'utf8').includes(CONFIG_EXTRA)) bad.push('config.yaml');
  if (existsSync(join(v.userHome, '.gitconfig'))) bad.push('~/.gitconfig');
  return bad;
}
