// Runs the tool calls of one model response: validates arguments, shows each call as an item, runs calls
// concurrently when they are safe together, redacts and caps results, and commits each result before it is
// announced. Whatever goes wrong becomes a tool result the model can act on, never an exception.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item, ToolItem } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { Store } from '../store';
import type { Logger } from '../util/log';
import { newId } from '../util/ids';
import { redact } from '../util/redact';
import type { ClientRequester, Tool, ToolContext, ToolResult } from '../tools/types';
import type { HostEvents } from './events';
import type { ToolCallOut } from './model-client';
import type { LoopGuard } from './loop-guard';
import type { TurnPolicy } from './policy';
import { StreamRedactor } from '../util/stream-redact';

export interface ToolRunnerDeps {
  store: Store;
  events: HostEvents;
  clients: ClientRequester;
  hermesHome: string;
  resultsDir: string;
  log: Logger;
}

export interface TurnScope {
  threadId: string;
  turnId: string;
  cwd: string;
  signal: AbortSignal;
  config: HermesConfig;
  policy: TurnPolicy;
  tools: Map<string, Tool>;
  guard: LoopGuard;
}

export interface CallOutcome {
  callId: string;
  name: string;
  failed: boolean;
}

const PREVIEW_HEAD = 3000;
const PREVIEW_TAIL = 1000;

function zodMessage(err: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return err.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(arguments)'}: ${i.message}`).join('; ');
}

export class ToolRunner {
  constructor(private readonly deps: ToolRunnerDeps) {}

  async runBatch(calls: ToolCallOut[], scope: TurnScope): Promise<CallOutcome[]> {
    const prepared = calls.map((c) => this.prepare(c, scope));
    const concurrent = prepared.length > 1 && this.canRunTogether(prepared, scope);
    if (concurrent) return Promise.all(prepared.map((p) => this.execute(p, scope)));
    const out: CallOutcome[] = [];
    for (const p of prepared) out.push(await this.execute(p, scope));
    return out;
  }

  private prepare(call: ToolCallOut, scope: TurnScope): Prepared {
    const tool = scope.tools.get(call.name);
    if (!tool) {
      const names = [...scope.tools.keys()].sort().join(', ');
      return { call, error: `Unknown tool '${call.name}'. Available tools: ${names}.` };
    }
    let raw: unknown;
    try {
      raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
    } catch (e) {
      return { call, tool, error: `The arguments for ${call.name} are not valid JSON (${(e as Error).message}). Send the call again with a valid JSON object.` };
    }
    const parsed = tool.schema.safeParse(raw);
    if (!parsed.success) {
      return { call, tool, rawArgs: raw, error: `Invalid arguments for ${call.name}: ${zodMessage(parsed.error)}. Fix them and call again.` };
    }
    return { call, tool, rawArgs: raw, args: parsed.data };
  }

  private canRunTogether(prepared: Prepared[], scope: TurnScope): boolean {
    const seen = new Set<string>();
    for (const p of prepared) {
      if (p.error || !p.tool) continue; // errors answer instantly; they never conflict
      const safe = typeof p.tool.parallelSafe === 'function' ? p.tool.parallelSafe(p.args) : p.tool.parallelSafe;
      const paths = p.tool.paths?.(p.args, scope.cwd);
      if (!safe && !paths) return false;
      for (const path of paths ?? []) {
        if (seen.has(path)) return false;
        seen.add(path);
      }
    }
    return true;
  }

  private async execute(p: Prepared, scope: TurnScope): Promise<CallOutcome> {
    const { events, store } = this.deps;
    const itemId = newId('item');
    const seed = p.tool?.item && p.args !== undefined ? safeSeed(() => p.tool!.item!(p.args, { cwd: scope.cwd })) : undefined;
    let item: ToolItem = seedItem(itemId, scope.turnId, p.call.name, p.rawArgs ?? p.call.arguments, seed);
    events.emit('item/started', { threadId: scope.threadId, turnId: scope.turnId, item });
    const started = Date.now();
    let result: ToolResult;
    // Output streams through a redactor: a secret split across two chunks of a command's output is caught too.
    const outputRedactor = new StreamRedactor();
    const emitOutput = (delta: string) => {
      if (delta) events.emit('item/commandExecution/outputDelta', { threadId: scope.threadId, turnId: scope.turnId, itemId, delta });
    };
    if (p.error) {
      result = { content: p.error, isError: true };
    } else if (scope.signal.aborted) {
      result = { content: 'Not run: the user interrupted the turn.', isError: true, item: { status: 'interrupted' } };
    } else {
      const ctx: ToolContext = {
        threadId: scope.threadId,
        turnId: scope.turnId,
        itemId,
        callId: p.call.id,
        cwd: scope.cwd,
        signal: scope.signal,
        config: scope.config,
        policy: scope.policy,
        hermesHome: this.deps.hermesHome,
        clients: this.deps.clients,
        log: this.deps.log.child(p.call.name),
        output: (delta) => {
          if (delta) emitOutput(outputRedactor.push(delta));
        },
        updateItem: (patch) => {
          item = { ...item, ...patch, id: itemId, type: item.type } as ToolItem;
          events.emit('item/updated', { threadId: scope.threadId, turnId: scope.turnId, item });
        },
      };
      try {
        result = await p.tool!.run(p.args, ctx);
      } catch (e) {
        this.deps.log.error(`tool ${p.call.name} threw`, { error: e });
        result = scope.signal.aborted
          ? { content: 'Interrupted by the user before the tool finished.', isError: true, item: { status: 'interrupted' } }
          : { content: `Error: ${p.call.name} failed: ${(e as Error)?.message ?? String(e)}`, isError: true };
      }
    }
    emitOutput(outputRedactor.flush());
    let content = redact(result.content);
    const warning = scope.guard.record(p.call.name, p.call.arguments, !!result.isError);
    if (warning) content += `\n${warning}`;
    const limit = p.tool?.maxResultChars ?? scope.config.agent.tool_result_max_chars;
    if (content.length > limit) content = this.storeOversized(scope.threadId, p.call.id, content);
    const status = result.item?.status ?? (result.isError ? 'failed' : 'completed');
    item = {
      ...item,
      ...(result.item ? redactItemPatch(result.item) : {}),
      id: itemId,
      type: item.type,
      status,
      durationMs: Date.now() - started,
      ...(item.type === 'toolCall' ? { result: content } : {}),
    } as ToolItem;
    store.threads.insertMessage({
      threadId: scope.threadId,
      turnId: scope.turnId,
      role: 'tool',
      content,
      reasoning: null,
      toolCalls: null,
      toolCallId: p.call.id,
      toolName: p.call.name,
      items: [item as Item],
    });
    events.emit('item/completed', { threadId: scope.threadId, turnId: scope.turnId, item });
    return { callId: p.call.id, name: p.call.name, failed: !!result.isError };
  }

  /** Keeps the whole result on disk and gives the model a head/tail preview plus a way to read the rest. */
  private storeOversized(threadId: string, callId: string, content: string): string {
    const id = `${threadId}.${callId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    mkdirSync(this.deps.resultsDir, { recursive: true });
    writeFileSync(join(this.deps.resultsDir, `${id}.txt`), content, { mode: 0o600 });
    return (
      content.slice(0, PREVIEW_HEAD) +
      `\n\n[... result too large: ${content.length} chars in total, stored as result id "${id}". ` +
      `Call read_result with this id and an offset to read the rest ...]\n\n` +
      content.slice(-PREVIEW_TAIL)
    );
  }
}

interface Prepared {
  call: ToolCallOut;
  tool?: Tool;
  rawArgs?: unknown;
  args?: any;
  error?: string;
}

function safeSeed<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function seedItem(id: string, turnId: string, tool: string, args: unknown, seed: ReturnType<NonNullable<Tool['item']>> | undefined): ToolItem {
  if (seed?.type === 'commandExecution') {
    return { id, turnId, type: 'commandExecution', tool, command: redact(seed.command), cwd: seed.cwd, backend: seed.backend, status: 'inProgress' };
  }
  if (seed?.type === 'fileChange') {
    return { id, turnId, type: 'fileChange', tool, changes: seed.changes, status: 'inProgress' };
  }
  return { id, turnId, type: 'toolCall', tool, arguments: redactArgs(args), status: 'inProgress' };
}

function redactArgs(v: unknown): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map(redactArgs);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactArgs(x)]));
  return v;
}

function redactItemPatch(patch: Partial<ToolItem>): Partial<ToolItem> {
  return redactArgs(patch) as Partial<ToolItem>;
}
