// Slash commands in chats. The conversation commands are the host's own (server/commands: /new, /retry, /undo,
// /model, /status, …), so a chat behaves like VS Code and the terminal; the table below adds only what belongs to
// chats (approvals by text, the home channel, linking accounts). One list drives dispatch, /help and the platform's
// command menu (Telegram setMyCommands); skills are added to the menu from the host. `immediate` commands run as
// soon as they arrive — /stop must never wait behind the turn it stops — the others take their place in the
// conversation's lane.
import type { InboundEnvelope } from './adapter';
import type { Decision } from './chat-approvals';
import { HOST_COMMANDS } from '../commands/registry';

export interface CommandContext {
  reply(e: InboundEnvelope, text: string): void;
  setHome(e: InboundEnvelope): void;
  approve(e: InboundEnvelope, d: Decision): string;
  /** `/link` (a code for this account) or `/link CODE` (link this account to the one that showed CODE). */
  link(e: InboundEnvelope, code: string): string;
  /** One line: each platform and its state. */
  platforms(): string;
  skillMenu(): { command: string; description: string }[];
  /** How a command is typed on the envelope's platform (`/new`; on Slack `/hermes new`). */
  typed?(e: InboundEnvelope, command: string): string;
  /**
   * Runs one of the host's own commands (server/commands) on this chat's conversation. A turn it starts (/retry) is
   * streamed and delivered to the chat; resolves with what to say besides (undefined when the turn was the answer).
   */
  hostCommand(e: InboundEnvelope, text: string): Promise<string | undefined>;
}

export interface ChatCommand {
  command: string;
  description: string;
  immediate: boolean;
  run(ctx: CommandContext, e: InboundEnvelope, args: string): Promise<void> | void;
}

/** Host commands that answer at once instead of waiting for the conversation's running turn. */
const IMMEDIATE = new Set(['stop', 'status', 'model', 'mcp', 'cron', 'help']);

const host = (name: string) => async (c: CommandContext, e: InboundEnvelope, args: string) => {
  const said = await c.hostCommand(e, `/${name} ${args}`.trim());
  if (said) c.reply(e, said);
};

/** Chat-only commands, and chat additions to a host command (by the same name, they take its place). */
const CHAT_COMMANDS: ChatCommand[] = [
  {
    command: 'status',
    description: 'this conversation (model, state, tokens) and the connected platforms',
    immediate: true,
    run: async (c, e) => c.reply(e, `${(await c.hostCommand(e, '/status')) ?? ''}\n${c.platforms()}`),
  },
  { command: 'sethome', description: 'make this chat the home channel', immediate: true, run: (c, e) => (c.setHome(e), c.reply(e, '🏠 This chat is now the home channel.')) },
  {
    command: 'approve',
    description: 'approve the waiting command (session|always)',
    immediate: true,
    run: (c, e, args) => c.reply(e, c.approve(e, /^session/i.test(args) ? 'session' : /^always/i.test(args) ? 'always' : 'once')),
  },
  { command: 'deny', description: 'deny the waiting command', immediate: true, run: (c, e) => c.reply(e, c.approve(e, 'deny')) },
  {
    command: 'link',
    description: 'continue your conversation on another platform: /link shows a code, /link CODE there links',
    immediate: true,
    run: (c, e, args) => c.reply(e, c.link(e, args)),
  },
  // The host's /help lists only the host's commands; a chat has more.
  { command: 'help', description: 'list the commands', immediate: true, run: (c, e) => c.reply(e, helpText(c, e)) },
  { command: 'start', description: 'say hello', immediate: true, run: (c, e) => c.reply(e, `Hi ${e.userName}! Send a message to talk to the agent.\n\n${helpText(c, e)}`) },
];

const lower = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);

export const COMMANDS: ChatCommand[] = [
  ...HOST_COMMANDS.filter((h) => !CHAT_COMMANDS.some((c) => c.command === h.name)).map(
    (h): ChatCommand => ({
      command: h.name,
      description: lower(h.description) + (h.args ? ` (${h.args})` : ''),
      immediate: IMMEDIATE.has(h.name),
      run: host(h.name),
    }),
  ),
  ...CHAT_COMMANDS,
];

function helpText(c: CommandContext, e: InboundEnvelope): string {
  const as = (name: string) => c.typed?.(e, name) ?? `/${name}`;
  const own = COMMANDS.filter((x) => x.command !== 'start').map((x) => `${as(x.command)} — ${x.description}`);
  const skills = c.skillMenu().map((s) => `${as(s.command)} — ${s.description}`);
  return ['Commands:', ...own, ...(skills.length ? ['', 'Skills:', ...skills] : [])].join('\n');
}

/** A command as the user types it on this platform (`/approve`; on Slack `/hermes approve`). */
export function typed(a: { capabilities: { commandPrefix?: string } } | undefined, command: string): string {
  return `${a?.capabilities.commandPrefix ?? '/'}${command}`;
}

/** `/name args` → the command (any other text, including unknown commands such as skills, is not one). */
export function parseCommand(text: string): { cmd: ChatCommand; args: string } | undefined {
  const m = /^\/([a-z0-9_]+)(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return undefined;
  const cmd = COMMANDS.find((c) => c.command === m[1].toLowerCase());
  return cmd ? { cmd, args: (m[2] ?? '').trim() } : undefined;
}

/** The command menu: our commands, then skills (Telegram: ≤ 100 entries, names [a-z0-9_] ≤ 32, descriptions ≤ 256). */
export function commandMenu(skills: { command: string; description: string }[]): { command: string; description: string }[] {
  const own = COMMANDS.filter((c) => c.command !== 'start').map((c) => ({ command: c.command, description: c.description }));
  const extra = skills
    .map((s) => ({ command: s.command.replace(/-/g, '_').slice(0, 32), description: (s.description || s.command).slice(0, 256) }))
    .filter((s) => /^[a-z0-9_]+$/.test(s.command) && !own.some((o) => o.command === s.command));
  return [...own, ...extra].slice(0, 100);
}
