// Test doubles for what a tool call receives: a ToolContext that records streamed output and item updates, and
// an ApprovalGate that records every question and answers from a script.
import { policyFor } from '../../../../server/agent/policy';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type HermesConfig } from '../../../../server/config/schema';
import type { ApprovalGate, GateResult } from '../../../../server/approval/types';
import type { ToolItem } from '../../../../server/protocol';
import type { ToolContext } from '../../../../server/tools/types';
import type { Logger } from '../../../../server/util/log';

export function tempDir(prefix = 'hermes-tools-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

const silent: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silent;
  },
};

export interface TestContext extends ToolContext {
  outputs: string[];
  updates: Partial<ToolItem>[];
  abort: AbortController;
}

export function makeCtx(cwd: string, over: { threadId?: string; config?: HermesConfig } = {}): TestContext {
  const abort = new AbortController();
  const outputs: string[] = [];
  const updates: Partial<ToolItem>[] = [];
  return {
    threadId: over.threadId ?? 'thread-1',
    turnId: 'turn-1',
    itemId: 'item-1',
    callId: 'call-1',
    cwd,
    signal: abort.signal,
    config: over.config ?? defaultConfig(),
    policy: policyFor(over.config ?? defaultConfig(), { surfaceId: 'test', kind: 'client', label: 'test' }),
    hermesHome: cwd,
    output: (d) => outputs.push(d),
    updateItem: (p) => updates.push(p),
    clients: {
      request: async () => ({ ok: false, reason: 'timeout' }),
      answerers: () => 0,
    },
    log: silent,
    outputs,
    updates,
    abort,
  };
}

export interface GateCall {
  kind: 'command' | 'write' | 'outside' | 'action';
  tool: string;
  command?: string;
  path?: string;
  cwd?: string;
  backend?: string;
  reason?: string;
}

/** Records every check; `deny` decides which ones are refused. */
export class RecordingGate implements ApprovalGate {
  calls: GateCall[] = [];
  constructor(public deny: (call: GateCall) => boolean = () => false) {}

  private answer(call: GateCall): GateResult {
    this.calls.push(call);
    return this.deny(call)
      ? { allowed: false, message: `Denied by the user: ${call.command ?? call.path}. Do not retry it another way.`, decision: 'deny' }
      : { allowed: true, decision: 'once' };
  }
  async checkCommand(_ctx: ToolContext, req: { command: string; cwd?: string; backend: string; tool: string }) {
    return this.answer({ kind: 'command', tool: req.tool, command: req.command, cwd: req.cwd, backend: req.backend });
  }
  async checkWrite(_ctx: ToolContext, req: { path: string; tool: string }) {
    return this.answer({ kind: 'write', tool: req.tool, path: req.path });
  }
  async checkAction(_ctx: ToolContext, req: { tool: string; subject: string; reason: string }) {
    return this.answer({ kind: 'action', tool: req.tool, command: req.subject, reason: req.reason });
  }
  async checkEscalation(_ctx: ToolContext, req: { command: string; cwd: string; backend: string; tool: string; reason: string }) {
    return this.answer({ kind: 'outside', tool: req.tool, command: req.command, cwd: req.cwd, backend: req.backend, reason: req.reason });
  }
}
