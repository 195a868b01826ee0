// One turn: user input in, the model and tools in a loop until the model answers without tool calls, the user
// interrupts, the iteration budget runs out or the loop guard trips. Everything produced is committed to the store
// before it is announced, so a crash loses nothing a client has seen.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ErrorInfo, Item, Turn, TurnStatus, Usage } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { Store } from '../store';
import { addUsage, emptyUsage, usageOf } from '../store';
import type { Logger } from '../util/log';
import { HostError } from '../util/errors';
import { newId } from '../util/ids';
import { redact } from '../util/redact';
import { StreamRedactor } from '../util/stream-redact';
import type { TurnPolicy } from './policy';
import type { Tool } from '../tools/types';
import type { ToolRegistry } from '../tools/registry';
import type { HostEvents } from './events';
import { resolveEndpoints } from './endpoints';
import { toChatMessages } from './history';
import { joinSummaryMessages, type ContextCompactor } from './compression';
import { LoopGuard } from './loop-guard';
import { ModelCallError, ModelClient, type ChatResult } from './model-client';
import type { ToolRunner } from './tool-runner';
import type { SteerEntry } from './running-turns';
import type { AttachmentStore } from '../attachments/store';
import { hasImageParts } from './image-parts';
import { imageModeFor, refusedForSize, rejectsImages, rememberNoVision, type ImageMode } from './vision';
import { toolsJson as toolsJsonOf } from './tools-json';

export interface TurnDeps {
  store: Store;
  events: HostEvents;
  registry: ToolRegistry;
  runner: ToolRunner;
  config: () => HermesConfig;
  env: () => Record<string, string | undefined>;
  log: Logger;
  /** Per-call model client factory, replaceable in tests. */
  modelClient?: (endpoints: ReturnType<typeof resolveEndpoints>, config: HermesConfig) => ModelClient;
  /** Context compression; without it a thread grows until the provider refuses it. */
  compactor?: ContextCompactor;
  /** Where the images users sent are kept; without it images reach the model as their text line only. */
  attachments?: AttachmentStore;
}

export interface TurnInput {
  threadId: string;
  turn: Turn;
  cwd: string;
  systemPrompt: string;
  model: string;
  signal: AbortSignal;
  /** Who runs the turn and under which rules; reaches the approval gate through the tool context. */
  policy: TurnPolicy;
  /** Messages the user sent while this turn ran (busy mode `steer`); taken before each model call. */
  takeSteering?: () => SteerEntry[];
  /** Compression moved the turn to a new thread (the owner re-keys its running turn; called before clients hear). */
  onThreadMoved?: (newThreadId: string) => void;
}

const MAX_ITERATIONS_NOTE =
  '[The step budget for this turn is used up. Do not call tools. Summarise what you did, what is left, and what the user should do next.]';

export async function runTurn(deps: TurnDeps, input: TurnInput): Promise<Turn> {
  const { store, events, log } = deps;
  const { turn, signal } = input;
  // Not const: context compression can move the turn to a new thread mid-way.
  let threadId = input.threadId;
  const config = deps.config();
  let usage: Usage = emptyUsage();
  let status: TurnStatus = 'completed';
  let error: ErrorInfo | undefined;

  const emitUsage = () => {
    const row = store.threads.getThreadRow(threadId);
    const stored: Usage = row ? usageOf(row) : emptyUsage();
    events.emit('thread/tokenUsage/updated', { threadId, turnId: turn.id, turn: usage, total: addUsage(stored, usage) });
  };

  try {
    const client = modelClientFor(deps, config, input.model);
    await deps.registry.settled();
    const blocked = new Set(input.policy.blockedTools ?? []);
    const tools = deps.registry.active({ config, env: deps.env() }, input.policy.toolsets).tools.filter((t) => !blocked.has(t.name));
    const toolMap = new Map<string, Tool>(tools.map((t) => [t.name, t]));
    const toolDefs = tools.map((t) => deps.registry.schema(t));
    const guard = new LoopGuard(config.agent.loop_guard_stop_after);
    const maxIterations = input.policy.maxIterations ?? config.agent.max_iterations;
    // Compression sizes the prompt with it; kept per set of schemas (tools-json.ts), as the model call's body uses it.
    const toolsJson = deps.compactor && config.compression.enabled ? toolsJsonOf(toolDefs) : '';

    for (let iteration = 1; ; iteration++) {
      if (signal.aborted) {
        status = 'interrupted';
        break;
      }
      const finalCall = iteration > maxIterations;
      if (deps.compactor) {
        // Past the compression threshold the thread's middle is summarised and the turn continues on a new thread.
        const moved = await deps.compactor
          .maybeCompact({ threadId, turnId: turn.id, systemPrompt: input.systemPrompt, toolsJson, client, signal, config, onMoved: input.onThreadMoved })
          .catch((e) => {
            log.warn('context compression failed; continuing uncompressed', { threadId, error: String((e as Error)?.message ?? e) });
            return null;
          });
        if (moved) {
          threadId = moved.threadId;
          if (moved.usage) usage = addUsage(usage, moved.usage);
        }
        if (signal.aborted) {
          status = 'interrupted';
          break;
        }
      }
      commitSteering(deps, { ...input, threadId });
      const history = store.threads.modelHistory(threadId);
      const build = (mode: ImageMode): ChatCompletionMessageParam[] => {
        const images = deps.attachments && { mode, maxInline: config.agent.max_inline_images, store: deps.attachments };
        // joinSummaryMessages: a compaction summary and a user message next to it go out as one (roles alternate).
        const messages = joinSummaryMessages(toChatMessages(input.systemPrompt, history, images));
        if (finalCall) messages.push({ role: 'user', content: MAX_ITERATIONS_NOTE });
        return messages;
      };
      const messages = build(imageModeFor(config, input.model));
      const call = (m: ChatCompletionMessageParam[]) => streamResponse(deps, { ...input, threadId }, client, m, finalCall ? [] : toolDefs, config);
      const res = await call(messages).catch((e) => {
        // A model that takes no images: once more without them (the model reads where each is saved), and this
        // model gets text only from now on when image_input_mode is auto.
        if (signal.aborted || !hasImageParts(messages) || !rejectsImages(e)) throw e;
        if (!refusedForSize(e)) rememberNoVision(input.model);
        log.warn('the model refused image input; retrying with the images as text', { threadId, model: input.model, error: (e as Error).message });
        return call(build('text'));
      });
      deps.compactor?.recordCall(threadId, res.usage);
      if (res.usage) {
        usage = addUsage(usage, res.usage);
        emitUsage();
      }
      if (res.interrupted) {
        status = 'interrupted';
        break;
      }
      if (finalCall) {
        error = { kind: 'MaxIterations', message: `stopped after ${maxIterations} steps (agent.max_iterations, or Hermes's agent.max_turns)` };
        break;
      }
      if (!res.toolCalls.length) break;
      await deps.runner.runBatch(res.toolCalls, { threadId, turnId: turn.id, cwd: input.cwd, signal, config, policy: input.policy, tools: toolMap, guard });
      if (guard.tripped) {
        status = 'failed';
        error = {
          kind: 'ToolLoop',
          message: `stopped: the same failing call to ${guard.tripped.tool} was repeated ${guard.tripped.count} times`,
        };
        break;
      }
    }
  } catch (e) {
    if (signal.aborted) status = 'interrupted';
    else {
      status = 'failed';
      error = toErrorInfo(e);
      log.warn('turn failed', { threadId, turnId: turn.id, error: error.message });
    }
  }
  const done = store.threads.completeTurn(turn.id, threadId, status, usage, error);
  events.emit('turn/completed', { threadId, turn: done });
  return done;
}

/**
 * Model clients by endpoints and retry settings, per host: a client holds nothing between calls but its HTTP
 * clients, and building one (an OpenAI SDK client per endpoint) for every turn was a visible share of a busy
 * gateway's CPU. A config or key change gives a new key, so a new client.
 */
const clientCache = new WeakMap<TurnDeps['log'], Map<string, ModelClient>>();

/** The model client for one turn (or one `/compress`), with the retry policy from config. */
export function modelClientFor(deps: TurnDeps, config: HermesConfig, model: string): ModelClient {
  const endpoints = resolveEndpoints(config, deps.env(), model);
  if (deps.modelClient) return deps.modelClient(endpoints, config);
  const policy = { maxRetries: config.model.max_retries, baseMs: config.model.retry_base_ms, maxMs: config.model.retry_max_ms };
  const key = JSON.stringify([endpoints, policy, config.model.stream_idle_timeout_ms]);
  let byKey = clientCache.get(deps.log);
  if (!byKey) clientCache.set(deps.log, (byKey = new Map()));
  let client = byKey.get(key);
  if (!client) {
    if (byKey.size >= 32) byKey.clear();
    client = new ModelClient(endpoints, { policy, streamIdleTimeoutMs: config.model.stream_idle_timeout_ms, log: deps.log.child('model') });
    byKey.set(key, client);
  }
  return client;
}

/**
 * Text the user sent while the turn was running (busy mode `steer`) joins the conversation as a user message before
 * the next model call, committed and announced like any other message.
 */
function commitSteering(deps: TurnDeps, input: TurnInput): void {
  const entries = input.takeSteering?.() ?? [];
  for (const { content, parts } of entries) {
    const shown = parts.map((p) => (p.type === 'text' ? { ...p, text: redact(p.text) } : p));
    const item: Item = { id: newId('item'), turnId: input.turn.id, type: 'userMessage', content: shown };
    deps.store.threads.insertMessage({
      threadId: input.threadId,
      turnId: input.turn.id,
      role: 'user',
      content: redact(content),
      reasoning: null,
      toolCalls: null,
      toolCallId: null,
      toolName: null,
      items: [item],
    });
    deps.events.emit('item/started', { threadId: input.threadId, turnId: input.turn.id, item });
    deps.events.emit('item/completed', { threadId: input.threadId, turnId: input.turn.id, item });
  }
}

function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof HostError) return { kind: e.kind, message: e.message };
  if (e instanceof ModelCallError) {
    const status = e.failure.httpStatus;
    const kind = status === 401 || status === 403 ? 'Unauthorized' : status === undefined ? 'ModelUnavailable' : 'ModelError';
    return { kind, message: e.message, ...(status !== undefined ? { httpStatus: status } : {}) };
  }
  return { kind: 'Internal', message: redact(String((e as Error)?.message ?? e)) };
}

interface StreamOutcome {
  toolCalls: ChatResult['toolCalls'];
  usage: Usage | null;
  interrupted: boolean;
}

/** One model call, streamed to the clients as reasoning and agent-message items, then committed. */
async function streamResponse(
  deps: TurnDeps,
  input: TurnInput,
  client: ModelClient,
  messages: ChatCompletionMessageParam[],
  tools: ReturnType<ToolRegistry['schema']>[],
  config: HermesConfig,
): Promise<StreamOutcome> {
  const { events, store } = deps;
  const { threadId, turn } = input;
  const turnId = turn.id;
  // Deltas are redacted at the source: what clients see streaming (and what thread/read shows mid-turn) never holds
  // a secret the stored item would not.
  let text = { id: '', buf: '', red: new StreamRedactor() };
  let reasoning = { id: '', buf: '', red: new StreamRedactor() };
  const startText = () => {
    if (text.id) return;
    text.id = newId('item');
    events.emit('item/started', { threadId, turnId, item: { id: text.id, turnId, type: 'agentMessage', text: '', status: 'inProgress' } });
  };
  const startReasoning = () => {
    if (reasoning.id) return;
    reasoning.id = newId('item');
    events.emit('item/started', { threadId, turnId, item: { id: reasoning.id, turnId, type: 'reasoning', text: '' } });
  };
  const discardPartial = () => {
    // A failed attempt's fragments are closed as failed and left out of the transcript; the retry starts anew.
    if (reasoning.id) events.emit('item/completed', { threadId, turnId, item: { id: reasoning.id, turnId, type: 'reasoning', text: redact(reasoning.buf) } });
    if (text.id) events.emit('item/completed', { threadId, turnId, item: { id: text.id, turnId, type: 'agentMessage', text: redact(text.buf), status: 'failed' } });
    text = { id: '', buf: '', red: new StreamRedactor() };
    reasoning = { id: '', buf: '', red: new StreamRedactor() };
  };
  const commit = (content: string, reasoningText: string, toolCalls: ChatResult['toolCalls'], itemStatus: 'completed' | 'interrupted') => {
    const items: Item[] = [];
    // Release what the redactors still hold, so the streamed text ends where the completed item does.
    const textTail = text.id ? text.red.flush() : '';
    if (textTail) events.emit('item/agentMessage/delta', { threadId, turnId, itemId: text.id, delta: textTail });
    const reasoningTail = reasoning.id ? reasoning.red.flush() : '';
    if (reasoningTail) events.emit('item/reasoning/delta', { threadId, turnId, itemId: reasoning.id, delta: reasoningTail });
    if (reasoning.id) items.push({ id: reasoning.id, turnId, type: 'reasoning', text: redact(reasoningText) });
    if (text.id || content) {
      if (!text.id) startText();
      items.push({ id: text.id, turnId, type: 'agentMessage', text: redact(content), status: itemStatus });
    }
    if (!content && !toolCalls.length && !reasoningText) return;
    store.threads.insertMessage({
      threadId,
      turnId,
      role: 'assistant',
      content: content ? redact(content) : null,
      reasoning: reasoningText ? redact(reasoningText) : null,
      toolCalls: toolCalls.length ? toolCalls.map((c) => ({ ...c, arguments: redact(c.arguments) })) : null,
      toolCallId: null,
      toolName: null,
      items,
    });
    for (const it of items) events.emit('item/completed', { threadId, turnId, item: it });
  };

  try {
    const res = await client.complete(
      { messages, tools, signal: input.signal, temperature: config.model.temperature },
      {
        onText: (d) => {
          startText();
          text.buf += d;
          const safe = text.red.push(d);
          if (safe) events.emit('item/agentMessage/delta', { threadId, turnId, itemId: text.id, delta: safe });
        },
        onReasoning: (d) => {
          startReasoning();
          reasoning.buf += d;
          const safe = reasoning.red.push(d);
          if (safe) events.emit('item/reasoning/delta', { threadId, turnId, itemId: reasoning.id, delta: safe });
        },
        onRetry: (info) => {
          if (info.partial) discardPartial();
          deps.log.info('model retry', { threadId, ...info });
        },
      },
    );
    commit(res.content, res.reasoning, res.toolCalls, 'completed');
    return { toolCalls: res.toolCalls, usage: res.usage, interrupted: false };
  } catch (e) {
    if (input.signal.aborted) {
      // What was produced so far is kept, as an interrupted message without tool calls.
      commit(text.buf, reasoning.buf, [], 'interrupted');
      return { toolCalls: [], usage: null, interrupted: true };
    }
    discardPartial();
    throw e;
  }
}
