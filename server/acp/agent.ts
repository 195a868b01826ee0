// `hermes-host acp`: an Agent Client Protocol agent (Zed, JetBrains, Neovim plugins) that is a thin client of the
// owning host. ACP comes in on stdio; every session is a host thread driven over the host's own JSON-RPC socket, so
// the agent loop, approvals, memory and history are the host's, and a session is visible from every other surface.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import * as acp from '@agentclientprotocol/sdk';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { HostConnection } from '../cli/rpc-client';
import type { AnyServerNotification, ApprovalRequestParams, RequestResult, ServerRequestParams, Thread, Turn } from '../protocol';

type ClarifyRequestParams = ServerRequestParams<'clarify/request'>;
import { VERSION } from '../version';
import { replayUpdates } from './history';
import { LiveUpdates } from './live';
import { decisionOf, permissionRequest } from './permissions';
import { promptText, promptToInput } from './prompt-input';
import { Sessions, type PromptRun, type Session } from './sessions';
import { approvalModeOf, isMode, modeState } from './modes';
import { answerOf, canElicit, elicitation } from './clarify';
import { editorFsHandlers, editorFsCapabilities } from './editor-fs';

export interface AcpAgentOptions {
  host: HostConnection;
  stream: acp.Stream;
  /** Where diagnostics go (stderr: stdout is the protocol). */
  log?: (line: string) => void;
  /** The workspace root of a cwd (the git repository root), for the thread's context files. */
  workspaceOf?: (cwd: string) => string;
}

const SESSION_PAGE = 50;

/** A host error as the ACP error a client understands. */
function acpError(e: unknown, sessionId?: string): acp.RequestError {
  if (e instanceof acp.RequestError) return e;
  if (e instanceof ResponseError) {
    const kind = (e.data as { kind?: string } | undefined)?.kind;
    if (kind === 'ThreadNotFound' && sessionId) return acp.RequestError.sessionNotFound(sessionId);
    if (kind === 'InvalidParams') return acp.RequestError.invalidParams(e.data, e.message);
    return new acp.RequestError(-32603, e.message, e.data);
  }
  return acp.RequestError.internalError(undefined, (e as Error)?.message ?? String(e));
}

function sessionInfo(t: Thread): acp.SessionInfo {
  return { sessionId: t.id, cwd: t.cwd, title: t.title || null, updatedAt: new Date(t.updatedAt).toISOString() };
}

/** Serves ACP on `stream` until the client closes it or the host goes away. */
export async function runAcpAgent(opts: AcpAgentOptions): Promise<{ reason: 'client-closed' | 'host-closed' }> {
  const { host } = opts;
  const log = opts.log ?? (() => {});
  const sessions = new Sessions();
  const live = new LiveUpdates();
  let client!: acp.AgentContext;
  let clientCaps: acp.ClientCapabilities = {};
  let hostReady: Promise<unknown> | null = null;
  /** Permission requests in flight by host request id, so one answered elsewhere is withdrawn here. */
  const asking = new Map<string, AbortController>();

  const update = (sessionId: string, u: acp.SessionUpdate) =>
    client.notify(acp.methods.client.session.update, { sessionId, update: u }).catch((e) => log(`session/update failed: ${(e as Error).message}`));

  async function sendCommands(s: Session): Promise<void> {
    try {
      const { commands } = await host.request('command/list', {});
      await update(s.id, {
        sessionUpdate: 'available_commands_update',
        availableCommands: commands.map((c) => ({ name: c.name, description: c.description, ...(c.args ? { input: { hint: c.args } } : {}) })),
      });
    } catch (e) {
      log(`command list unavailable: ${(e as Error).message}`);
    }
  }

  function onHostNotification(n: AnyServerNotification): void {
    sessions.follow(n);
    if (n.method === 'serverRequest/resolved') asking.get(n.params.requestId)?.abort();
    if (n.method === 'skills/changed') for (const s of sessions.all()) void sendCommands(s);
    const threadId = n.method === 'thread/updated' ? n.params.thread.id : (n.params as { threadId?: string }).threadId;
    const s = sessions.ofThread(threadId);
    if (!s) return;
    if (n.method === 'turn/completed') {
      sessions.turnCompleted(n.params.threadId, n.params.turn);
      return;
    }
    for (const u of live.translate(n, s.cwd)) void update(s.id, u);
  }

  async function askPermission(p: ApprovalRequestParams): Promise<{ decision: 'once' | 'session' | 'always' | 'deny' }> {
    const s = sessions.ofThread(p.threadId);
    // Not a session of ours (a thread we follow for another reason): let the surfaces that show it answer.
    if (!s) throw new Error('no ACP session shows this thread');
    const abort = new AbortController();
    asking.set(p.requestId, abort);
    try {
      const res = await client.request(acp.methods.client.session.requestPermission, permissionRequest(s.id, p), { cancellationSignal: abort.signal });
      const decision = decisionOf(p, res);
      if (!decision) throw new Error(`the client chose an option that was not offered`);
      return { decision };
    } finally {
      asking.delete(p.requestId);
    }
  }

  async function askQuestion(p: ClarifyRequestParams): Promise<{ answer: string }> {
    const s = sessions.ofThread(p.threadId);
    if (!s) throw new Error('no ACP session shows this thread');
    const abort = new AbortController();
    asking.set(p.requestId, abort);
    try {
      return { answer: answerOf(await client.request(acp.methods.client.elicitation.create, elicitation(s.id, p), { cancellationSignal: abort.signal })) };
    } finally {
      asking.delete(p.requestId);
    }
  }

  /** The host handshake, once, with what the ACP client said it can do. */
  function initHost(): Promise<unknown> {
    hostReady ??= host.initialize({
      name: 'acp',
      approvals: true,
      clarify: canElicit(clientCaps),
      ide: editorFsCapabilities(clientCaps),
      handlers: {
        'approval/request': askPermission,
        ...(canElicit(clientCaps) ? { 'clarify/request': askQuestion } : {}),
        ...editorFsHandlers(() => client, sessions, clientCaps),
      },
    });
    return hostReady;
  }

  /** Runs one prompt's turn (or slash command) to its end. */
  async function runPrompt(s: Session, blocks: acp.ContentBlock[]): Promise<acp.StopReason> {
    if (s.prompt) throw acp.RequestError.invalidRequest(undefined, 'a prompt is already running in this session');
    let settle!: (t: Turn) => void;
    const ended = new Promise<Turn>((r) => (settle = r));
    const run: PromptRun = { cancelled: false, done: (t: Turn) => settle(t) };
    s.prompt = run;
    try {
      let turn: Turn | undefined;
      const text = promptText(blocks);
      if (text?.trimStart().startsWith('/')) {
        const r = await host.request('command/run', { threadId: s.threadId, text: text.trim() });
        if (r.handled) {
          if (r.thread && r.thread.id !== s.threadId) s.threadId = r.thread.id;
          if (r.message) await update(s.id, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: r.message } });
          if (!r.turn) return 'end_turn';
          turn = r.turn;
        }
      }
      if (!turn) {
        const input = promptToInput(blocks);
        if (!input.length) return 'end_turn';
        // A prompt while the thread runs a turn from another surface waits its turn rather than failing.
        const approvalMode = approvalModeOf(s.mode);
        turn = (await host.request('turn/start', { threadId: s.threadId, input, busy: 'queue', ...(approvalMode ? { approvalMode } : {}) })).turn;
      }
      run.turnId = turn.id;
      if (run.cancelled) await host.request('turn/interrupt', { threadId: s.threadId, turnId: turn.id }).catch(() => {});
      const early = s.finished.get(turn.id);
      if (early) run.done(early);
      s.finished.clear();
      const done = await Promise.race([ended, host.whenClosed.then(() => null)]);
      if (!done) throw acp.RequestError.internalError(undefined, 'the agent host went away');
      if (run.cancelled || done.status === 'interrupted') return 'cancelled';
      if (done.status === 'failed') throw new acp.RequestError(-32603, done.error?.message ?? 'the turn failed', done.error);
      return 'end_turn';
    } finally {
      s.prompt = undefined;
    }
  }

  const app = acp
    .agent({ name: 'hermes-host' })
    .onRequest(acp.methods.agent.initialize, async ({ params }) => {
      clientCaps = params.clientCapabilities ?? {};
      await initHost();
      return {
        protocolVersion: acp.PROTOCOL_VERSION,
        agentInfo: { name: 'hermes-host', title: 'Hermes', version: VERSION },
        authMethods: [],
        agentCapabilities: {
          loadSession: true,
          promptCapabilities: { image: true, audio: false, embeddedContext: true },
          mcpCapabilities: { http: false, sse: false },
          sessionCapabilities: { list: {}, close: {}, resume: {} },
        },
      };
    })
    .onRequest(acp.methods.agent.authenticate, () => ({}))
    .onRequest(acp.methods.agent.session.new, async ({ params }) => {
      // The protocol wants an absolute folder; one that does not exist would only fail later, in the first tool.
      if (!isAbsolute(params.cwd)) throw acp.RequestError.invalidParams({ cwd: params.cwd }, 'cwd must be an absolute path');
      if (!existsSync(params.cwd)) throw acp.RequestError.invalidParams({ cwd: params.cwd }, `no such folder: ${params.cwd}`);
      if (params.mcpServers?.length) log(`session/new: ${params.mcpServers.length} MCP server(s) from the client ignored (the host's own mcp_servers config applies)`);
      const { thread } = await host
        .request('thread/start', { cwd: params.cwd, source: 'acp', ...(opts.workspaceOf ? { workspaceRoot: opts.workspaceOf(params.cwd) } : {}) })
        .catch((e) => Promise.reject(acpError(e)));
      const s = sessions.add(thread.id, thread.id, thread.cwd);
      setTimeout(() => void sendCommands(s), 0);
      return { sessionId: s.id, modes: modeState(s.mode) };
    })
    .onRequest(acp.methods.agent.session.load, async ({ params }) => {
      let read: RequestResult<'thread/read'>;
      try {
        const { thread } = await host.request('thread/resume', { threadId: params.sessionId });
        read = await host.request('thread/read', { threadId: thread.id });
      } catch (e) {
        throw acpError(e, params.sessionId);
      }
      const s = sessions.add(params.sessionId, read.thread.id, read.thread.cwd);
      // The history is replayed before the answer, as the protocol asks; a replay that fails part-way still loads.
      try {
        for (const u of replayUpdates(read.items, s.cwd)) await update(s.id, u);
      } catch (e) {
        log(`session/load replay failed: ${(e as Error).message}`);
      }
      setTimeout(() => void sendCommands(s), 0);
      return { modes: modeState(s.mode) };
    })
    .onRequest(acp.methods.agent.session.resume, async ({ params }) => {
      // Like load, for a client that kept its own transcript: the session continues, nothing is replayed.
      const { thread } = await host.request('thread/resume', { threadId: params.sessionId }).catch((e) => Promise.reject(acpError(e, params.sessionId)));
      const s = sessions.add(params.sessionId, thread.id, thread.cwd);
      setTimeout(() => void sendCommands(s), 0);
      return { modes: modeState(s.mode) };
    })
    .onRequest(acp.methods.agent.session.setMode, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (!s) throw acp.RequestError.sessionNotFound(params.sessionId);
      if (!isMode(params.modeId)) throw acp.RequestError.invalidParams(undefined, `unknown mode ${params.modeId}`);
      s.mode = params.modeId;
      await update(s.id, { sessionUpdate: 'current_mode_update', currentModeId: s.mode });
      return {};
    })
    .onRequest(acp.methods.agent.session.list, async ({ params }) => {
      const found: acp.SessionInfo[] = [];
      let cursor = params.cursor ?? undefined;
      // A cwd filter may skip most threads; read pages until one is full or the list ends.
      for (let pages = 0; pages < 20; pages++) {
        const r = await host.request('thread/list', { limit: SESSION_PAGE, ...(cursor ? { cursor } : {}) }).catch((e) => Promise.reject(acpError(e)));
        for (const t of r.threads) if (!params.cwd || t.cwd === params.cwd) found.push(sessionInfo(t));
        cursor = r.nextCursor;
        if (!cursor || found.length >= SESSION_PAGE) break;
      }
      return { sessions: found, ...(cursor ? { nextCursor: cursor } : {}) };
    })
    .onRequest(acp.methods.agent.session.close, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (s?.prompt) {
        s.prompt.cancelled = true;
        const turnId = s.prompt.turnId;
        if (turnId) await host.request('turn/interrupt', { threadId: s.threadId, turnId }).catch(() => {});
      }
      if (s) await host.request('thread/unsubscribe', { threadId: s.threadId }).catch(() => {});
      sessions.delete(params.sessionId);
      return {};
    })
    .onRequest(acp.methods.agent.session.prompt, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (!s) throw acp.RequestError.sessionNotFound(params.sessionId);
      try {
        return { stopReason: await runPrompt(s, params.prompt) };
      } catch (e) {
        throw acpError(e, params.sessionId);
      }
    })
    .onNotification(acp.methods.agent.session.cancel, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (!s?.prompt) return;
      s.prompt.cancelled = true;
      // This prompt's turn only (running or still queued behind another surface's); the interrupt also withdraws
      // its pending permission questions (the host cancels them). Before turn/start has answered, the prompt sends
      // it as soon as it knows its turn.
      const turnId = s.prompt.turnId;
      if (turnId) await host.request('turn/interrupt', { threadId: s.threadId, turnId }).catch((e) => log(`interrupt failed: ${(e as Error).message}`));
    });

  const unlisten = host.onNotification(onHostNotification);
  const conn = app.connect(opts.stream);
  client = conn.client;
  try {
    const reason = await Promise.race([conn.closed.then(() => 'client-closed' as const), host.whenClosed.then(() => 'host-closed' as const)]);
    return { reason };
  } finally {
    unlisten();
    for (const a of asking.values()) a.abort();
    // Prompts still running end with their client; their turns are stopped rather than left running unseen.
    for (const s of sessions.all()) {
      const turnId = s.prompt?.turnId;
      if (turnId) await host.request('turn/interrupt', { threadId: s.threadId, turnId }).catch(() => {});
    }
    conn.close();
  }
}
