// The contract every tool implements. A tool is one module: a zod schema for its arguments, a toolset name, an
// availability check and a handler. Dependencies (sandboxes, approvals, stores) are given to a tool's factory by
// the composition root; the context below carries only what belongs to one call.
import type { z } from 'zod';
import type { ToolItem } from '../protocol';
import type { ServerRequestMethod, ServerRequestParams, ServerRequestResult } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import type { TurnPolicy } from '../agent/policy';

/** What a client answered, or why nobody did. */
export type ClientAnswer<M extends ServerRequestMethod> =
  | { ok: true; result: ServerRequestResult<M>; answeredBy: string }
  | { ok: false; reason: 'timeout' | 'cancelled' | 'noAnswerer' };

/** Who may answer a thread's requests: its turn's origin surface, plus (`thread`) the surfaces following it. */
export interface RequestRouting {
  answerers: TurnPolicy['answerers'];
  origin?: string;
}

/** Sends a host→client request to the surfaces allowed to answer it; the first valid answer wins. */
export interface ClientRequester {
  request<M extends ServerRequestMethod>(
    method: M,
    params: Omit<ServerRequestParams<M>, 'requestId' | 'expiresAt'>,
    /** `requestId`: the id to send it under (the caller's audit knows it); a fresh one when absent. */
    opts: { timeoutMs: number; signal?: AbortSignal; routing?: RequestRouting; requestId?: string },
  ): Promise<ClientAnswer<M>>;
  /** Number of attached surfaces that can answer `method` (for this routing and thread, when given). */
  answerers(method: ServerRequestMethod, routing?: RequestRouting & { threadId?: string }): number;
}

export interface ToolContext {
  threadId: string;
  turnId: string;
  /** The item that shows this call; also the approval/clarify request's itemId. */
  itemId: string;
  /** The model's tool_call id. */
  callId: string;
  /** The thread's working directory. */
  cwd: string;
  /** Aborted when the turn is interrupted; handlers must stop promptly. */
  signal: AbortSignal;
  config: HermesConfig;
  /** Who runs this turn and under which rules (approval mode, who may answer); the gate reads this, not config. */
  policy: TurnPolicy;
  hermesHome: string;
  /** Streams output into the item (`item/commandExecution/outputDelta`). */
  output(delta: string): void;
  /** Merges fields into the started item and re-announces it (e.g. a background process id). */
  updateItem(patch: Partial<ToolItem>): void;
  clients: ClientRequester;
  log: Logger;
}

export interface ToolResult {
  /** What the model sees. Redacted by the runner before it is stored or sent. */
  content: string;
  isError?: boolean;
  /** Final fields for the item (output, exitCode, changes, …). */
  item?: Partial<ToolItem>;
}

/** How a call is shown before it runs: a generic tool card unless the tool says otherwise. */
export type ItemSeed =
  | { type: 'toolCall' }
  | { type: 'commandExecution'; command: string; cwd?: string; backend?: string }
  | { type: 'fileChange'; changes: { path: string; kind: 'add' | 'update' | 'delete'; diff: string }[] };

export interface AvailabilityEnv {
  config: HermesConfig;
  env: Record<string, string | undefined>;
}

export interface Tool<A = any> {
  name: string;
  toolset: string;
  description: string;
  schema: z.ZodType<A>;
  /** The JSON Schema the model sees, when the tool has one of its own (MCP tools); otherwise derived from `schema`. */
  parameters?: Record<string, unknown>;
  /** Safe to run alongside other calls of the same response. A function can decide per call. */
  parallelSafe?: boolean | ((args: A) => boolean);
  /** Paths the call touches; calls with overlapping paths never run at the same time. */
  paths?: (args: A, cwd: string) => string[];
  /** `true`, or the reason the tool is hidden from the model. */
  available?: (env: AvailabilityEnv) => true | string;
  item?: (args: A, ctx: { cwd: string }) => ItemSeed;
  /** Results larger than this are stored and replaced by a preview (default from config). */
  maxResultChars?: number;
  run(args: A, ctx: ToolContext): Promise<ToolResult>;
}

/** Used by tools to turn an exception into a result the model can act on. */
export function errorResult(message: string, item?: Partial<ToolItem>): ToolResult {
  return { content: `Error: ${message}`, isError: true, item };
}
