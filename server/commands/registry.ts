// Slash commands, defined once in the host so every surface — the VS Code chat, the terminal, chat apps — offers the
// same set and gets the same behaviour. A command is a small object like a tool: a name, a description, and a
// handler that acts through the thread service. Skills are commands too (`/skill-name args` loads the skill and
// runs a turn with it); the skills service expands them when the turn starts.
import { inputPartText, type CommandInfo, type RequestResult, type Thread, type UserInput } from '../protocol';
import type { ThreadService } from '../agent/threads';
import type { TurnPolicy } from '../agent/policy';
import type { HermesConfig } from '../config/schema';
import { HostError } from '../util/errors';
import { parseSlashCommand } from '../skills/commands';
import { cronCommand } from '../cron/command';

export type CommandResult = RequestResult<'command/run'>;

export interface CommandContext {
  threadId?: string;
  policy: TurnPolicy;
  /** Where `/new` starts its thread when there is no current one. */
  workspaceRoot: string;
  source: string;
}

export interface CommandHost {
  threads: ThreadService;
  config(): HermesConfig;
  /** Skill commands (name without slash, description), for `/help` and menus. */
  skillCommands(): { command: string; description: string }[];
  listModels(): Promise<string[]>;
  /** MCP servers: their state, one line each, and `reload` (re-read config.yaml, reconnect waiting servers now). */
  mcp?: { lines(): string[]; reload(): string };
}

export interface HostCommand {
  name: string;
  description: string;
  args?: string;
  /** Acts on the current thread; refused without one. */
  needsThread?: boolean;
  run(args: string, ctx: CommandContext & { threadId: string }, host: CommandHost): Promise<CommandResult> | CommandResult;
}

/** The text and attachments of a thread's last user turn, and that turn's id. */
function lastUserInput(host: CommandHost, threadId: string): { text: string; input: UserInput[] } | null {
  const read = host.threads.read(threadId);
  for (let i = read.items.length - 1; i >= 0; i--) {
    const it = read.items[i];
    if (it.type === 'userMessage') {
      const text = it.content.map(inputPartText).join(' ');
      return { text, input: it.content };
    }
  }
  return null;
}

export const HOST_COMMANDS: HostCommand[] = [
  {
    name: 'new',
    description: 'Start a new conversation',
    run(_args, ctx, host) {
      const cur = ctx.threadId ? host.threads.get(ctx.threadId) : undefined;
      const thread = host.threads.start({ cwd: cur?.cwd, workspaceRoot: cur ? undefined : ctx.workspaceRoot, source: ctx.source });
      return { handled: true, thread, message: 'Started a new conversation.' };
    },
  },
  {
    name: 'reset',
    description: 'Same as /new',
    run: (args, ctx, host) => HOST_COMMANDS[0].run(args, ctx, host),
  },
  {
    name: 'retry',
    description: 'Drop the last turn and send its message again',
    needsThread: true,
    async run(_args, ctx, host) {
      const last = lastUserInput(host, ctx.threadId);
      if (!last) return { handled: true, message: 'Nothing to retry yet.' };
      host.threads.rollback(ctx.threadId, 1);
      const { turn } = await host.threads.startTurn(ctx.threadId, last.input, { policy: ctx.policy });
      return { handled: true, turn };
    },
  },
  {
    name: 'undo',
    description: 'Drop the last turn; its message comes back for editing',
    needsThread: true,
    run(_args, ctx, host) {
      const last = lastUserInput(host, ctx.threadId);
      if (!last) return { handled: true, message: 'Nothing to undo.' };
      const { thread } = host.threads.rollback(ctx.threadId, 1);
      return { handled: true, thread, restoredInput: last.text, message: 'Removed the last turn.' };
    },
  },
  {
    name: 'model',
    description: 'Show or change the model of this conversation',
    args: '[model id]',
    needsThread: true,
    async run(args, ctx, host) {
      const thread = host.threads.get(ctx.threadId);
      if (!args) {
        const models = await host.listModels().catch(() => [] as string[]);
        return { handled: true, message: `Model: ${thread.model || host.config().model.default}${models.length ? `\nAvailable: ${models.slice(0, 30).join(', ')}` : ''}` };
      }
      const updated = host.threads.setModel(ctx.threadId, args.split(/\s+/)[0]);
      return { handled: true, thread: updated, message: `This conversation now uses ${updated.model}.` };
    },
  },
  {
    name: 'compress',
    description: 'Summarise the earlier part of this conversation now to free context',
    needsThread: true,
    async run(_args, ctx, host) {
      const r = await host.threads.compactNow(ctx.threadId);
      if (!r.compacted) return { handled: true, message: 'Nothing to compress yet: the conversation is too short.' };
      return {
        handled: true,
        thread: r.thread,
        message: `Compressed: about ${r.tokensBefore} → ${r.tokensAfter} tokens. The conversation continues on ${r.thread.id}.`,
      };
    },
  },
  {
    name: 'stop',
    description: 'Stop the running turn (and drop queued messages)',
    needsThread: true,
    run(_args, ctx, host) {
      const r = host.threads.interrupt(ctx.threadId, { clearQueue: true });
      const dropped = r.dropped ? ` Dropped ${r.dropped} queued message(s).` : '';
      return { handled: true, message: (r.interrupted ? 'Stopped.' : 'Nothing is running.') + dropped };
    },
  },
  {
    name: 'status',
    description: 'Show this conversation: model, state, tokens',
    needsThread: true,
    run(_args, ctx, host) {
      const t: Thread = host.threads.get(ctx.threadId);
      const queued = host.threads.running.queuedCount(host.threads.current(ctx.threadId));
      return {
        handled: true,
        message: [
          `Conversation ${t.id}${t.title ? ` — ${t.title}` : ''}`,
          `Model: ${t.model || host.config().model.default}`,
          `State: ${t.status === 'active' ? 'running' : 'idle'}${queued ? `, ${queued} queued` : ''}; ${t.turnCount} turn(s)`,
          `Tokens: ${t.usage.totalTokens.toLocaleString('en-US')}${t.usage.costUsd ? ` ($${t.usage.costUsd.toFixed(4)})` : ''}`,
        ].join('\n'),
      };
    },
  },
  cronCommand,
  {
    name: 'mcp',
    description: 'Show the MCP servers; /mcp reload re-reads config.yaml and reconnects the ones that are down',
    args: '[reload]',
    run(args, _ctx, host) {
      if (!host.mcp) return { handled: true, message: 'MCP is not available in this host.' };
      const pre = args.trim() === 'reload' ? `${host.mcp.reload()}\n` : '';
      const lines = host.mcp.lines();
      return { handled: true, message: pre + (lines.length ? lines.join('\n') : 'No MCP servers configured (mcp_servers in config.yaml).') };
    },
  },
  {
    name: 'help',
    description: 'List the commands',
    run(_args, _ctx, host) {
      const lines = listCommands(host).map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''} — ${c.description}`);
      return { handled: true, message: lines.join('\n') };
    },
  },
];

const byName = new Map(HOST_COMMANDS.map((c) => [c.name, c]));

/** Names skills may not take as commands. */
export const RESERVED_COMMANDS = HOST_COMMANDS.map((c) => c.name);

export function listCommands(host: CommandHost): CommandInfo[] {
  return [
    ...HOST_COMMANDS.map((c) => ({ name: c.name, description: c.description, ...(c.args ? { args: c.args } : {}), source: 'host' as const })),
    ...host.skillCommands().map((s) => ({ name: s.command.replace(/^\//, ''), description: s.description, args: '[request]', source: 'skill' as const })),
  ];
}

/**
 * Runs a slash command line. Host commands run here; a skill command starts a turn with the line (the skills service
 * expands it); anything else is not a command (`handled: false`) and the caller sends it as a message.
 */
export async function runCommand(host: CommandHost, text: string, ctx: CommandContext): Promise<CommandResult> {
  const parsed = parseSlashCommand(text);
  if (!parsed) return { handled: false };
  const cmd = byName.get(parsed.command);
  if (cmd) {
    if (cmd.needsThread && !ctx.threadId) throw new HostError('InvalidParams', `/${cmd.name} needs a conversation (threadId)`);
    return cmd.run(parsed.args, { ...ctx, threadId: ctx.threadId ?? '' }, host);
  }
  const skill = host.skillCommands().find((s) => s.command.replace(/^\//, '') === parsed.command);
  if (!skill) return { handled: false };
  const threadId = ctx.threadId ?? host.threads.start({ workspaceRoot: ctx.workspaceRoot, source: ctx.source }).id;
  const { turn } = await host.threads.startTurn(threadId, [{ type: 'text', text }], { policy: ctx.policy });
  return { handled: true, turn, ...(ctx.threadId ? {} : { thread: host.threads.get(threadId) }) };
}
