// `hermes-host acp` driven by the real ACP client of @agentclientprotocol/sdk over stdio, against the scripted model:
// streamed updates for a prompt with tool calls (text, thoughts, a command's output, a diff, the plan), permission
// requests answered allow and deny, cancel mid-turn, session/load replaying history from a second adapter attached
// to the first (the owner), the session visible to a socket client's thread/list, and file access through the
// client's fs methods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acp from '@agentclientprotocol/sdk';
import { ScriptedModelServer } from '../support/model-server';
import { connectSocket, tempHome, writeTestConfig } from '../support/host-process';
import { AcpTestClient } from '../support/acp-client';

let model: ScriptedModelServer;
let home: string;
let ws: string;
let a: AcpTestClient;
/** What the test's permission handler answers next. */
let answer: (p: acp.RequestPermissionRequest, signal: AbortSignal) => acp.RequestPermissionResponse | Promise<acp.RequestPermissionResponse> = () => ({
  outcome: { outcome: 'cancelled' },
});

beforeAll(async () => {
  model = await ScriptedModelServer.start();
  home = tempHome();
  ws = mkdtempSync(join(tmpdir(), 'hermes-acp-ws-'));
  writeTestConfig(home, model.baseURL, 'approvals:\n  timeout: 20\n');
  a = AcpTestClient.start({ home, cwd: ws, handlers: { permission: (p, signal) => answer(p, signal) } });
  const init = await a.initialize();
  expect(init.protocolVersion).toBe(acp.PROTOCOL_VERSION);
  expect(init.agentCapabilities).toMatchObject({ loadSession: true, sessionCapabilities: { list: {} } });
  expect(init.authMethods).toEqual([]);
});

afterAll(async () => {
  if (a) expect(await a.close()).toBe(0);
  await model?.close();
});

async function newSession(): Promise<string> {
  const { sessionId } = await a.agent.request(acp.methods.agent.session.new, { cwd: ws, mcpServers: [] });
  return sessionId;
}

const prompt = (client: AcpTestClient, sessionId: string, text: string) =>
  client.agent.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text }] });

describe('hermes-host acp', () => {
  it('streams a prompt: thoughts, text, a command with its output, a file edit as a diff, the plan', async () => {
    const { sessionId, modes } = await a.agent.request(acp.methods.agent.session.new, { cwd: ws, mcpServers: [] });
    expect(modes).toMatchObject({ currentModeId: 'ask', availableModes: [{ id: 'ask' }, { id: 'unattended' }] });
    await a.until(() => a.of('available_commands_update', sessionId).length > 0, 'the command list');
    const names = a.of('available_commands_update', sessionId)[0].availableCommands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['new', 'retry', 'undo', 'model', 'stop', 'help']));

    model.script(
      {
        reasoning: 'I should look around first.',
        toolCalls: [
          { name: 'terminal', arguments: { command: 'echo hello-from-acp' } },
          { name: 'write_file', arguments: { path: 'notes.txt', content: 'one\ntwo\n' } },
          { name: 'todo', arguments: { todos: [{ id: '1', content: 'Look around', status: 'completed' }, { id: '2', content: 'Write notes', status: 'in_progress' }] } },
        ],
      },
      { text: 'All done here.' },
    );
    const res = await prompt(a, sessionId, 'please look around');
    expect(res.stopReason).toBe('end_turn');
    expect(a.text(sessionId)).toContain('All done here.');
    const thoughts = a.of('agent_thought_chunk', sessionId).map((u) => (u.content.type === 'text' ? u.content.text : '')).join('');
    expect(thoughts).toBe('I should look around first.');

    const calls = a.of('tool_call', sessionId);
    const cmd = calls.find((c) => c.kind === 'execute')!;
    expect(cmd).toMatchObject({ title: 'echo hello-from-acp', status: 'in_progress' });
    const cmdUpdates = a.of('tool_call_update', sessionId).filter((u) => u.toolCallId === cmd.toolCallId);
    expect(cmdUpdates.at(-1)!.status).toBe('completed');
    expect(JSON.stringify(cmdUpdates.map((u) => u.content))).toContain('hello-from-acp');

    const edit = calls.find((c) => c.kind === 'edit')!;
    expect(edit.title).toBe('Write notes.txt');
    const editEnd = a.of('tool_call_update', sessionId).filter((u) => u.toolCallId === edit.toolCallId).at(-1)!;
    expect(editEnd).toMatchObject({ status: 'completed', title: 'Write notes.txt' });
    expect(editEnd.content).toEqual([{ type: 'diff', path: join(ws, 'notes.txt'), oldText: null, newText: 'one\ntwo' }]);
    expect(editEnd.locations).toEqual([{ path: join(ws, 'notes.txt') }]);
    expect(readFileSync(join(ws, 'notes.txt'), 'utf8')).toBe('one\ntwo\n');

    const plan = a.of('plan', sessionId).at(-1)!;
    expect(plan.entries).toEqual([
      { content: 'Look around', priority: 'medium', status: 'completed' },
      { content: 'Write notes', priority: 'medium', status: 'in_progress' },
    ]);
    // Every update of the turn came before the prompt's answer: nothing is left in flight.
    expect(model.pending()).toBe(0);
  });

  it('asks permission for a dangerous command: deny refuses, allow once runs, an answer from another surface withdraws the question, unattended mode never asks', async () => {
    const sessionId = await newSession();
    mkdirSync(join(ws, 'build'), { recursive: true });
    writeFileSync(join(ws, 'build', 'out.o'), 'x');
    const rm = { name: 'terminal', arguments: { command: 'rm -rf build && echo removed' } };

    answer = () => ({ outcome: { outcome: 'selected', optionId: 'deny' } });
    model.script({ toolCalls: [rm] }, { text: 'ok, not removed' });
    expect((await prompt(a, sessionId, 'clean up')).stopReason).toBe('end_turn');
    const asked = a.permissions.at(-1)!;
    expect(asked.sessionId).toBe(sessionId);
    expect(asked.options.map((o) => [o.optionId, o.kind])).toEqual([
      ['once', 'allow_once'],
      ['session', 'allow_always'],
      ['always', 'allow_always'],
      ['deny', 'reject_once'],
    ]);
    expect(asked.toolCall.title).toBe(`Run rm -rf build && echo removed in ${ws}`);
    // The question belongs to the tool card the client already shows.
    expect(a.of('tool_call', sessionId).map((c) => c.toolCallId)).toContain(asked.toolCall.toolCallId);
    const denied = a.of('tool_call_update', sessionId).filter((u) => u.toolCallId === asked.toolCall.toolCallId).at(-1)!;
    expect(denied.status).toBe('failed');
    expect(existsSync(join(ws, 'build', 'out.o'))).toBe(true);

    answer = () => ({ outcome: { outcome: 'selected', optionId: 'once' } });
    model.script({ toolCalls: [rm] }, { text: 'removed it' });
    expect((await prompt(a, sessionId, 'clean up, really')).stopReason).toBe('end_turn');
    expect(a.permissions.length).toBe(2);
    const allowed = a.of('tool_call_update', sessionId).filter((u) => u.toolCallId === a.permissions[1].toolCall.toolCallId).at(-1)!;
    expect(allowed.status).toBe('completed');
    expect(existsSync(join(ws, 'build'))).toBe(false);

    // Another surface following the thread answers first: the question is withdrawn from the ACP client.
    mkdirSync(join(ws, 'build'), { recursive: true });
    const editor = await connectSocket(join(home, 'host.sock'), { 'approval/request': () => new Promise((r) => setTimeout(() => r({ decision: 'once' }), 300)) });
    let withdrawn = false;
    try {
      await editor.initialize({ name: 'vscode', approvals: true });
      await editor.request('thread/subscribe', { threadId: sessionId });
      answer = (_p, signal) =>
        new Promise((resolve) => signal.addEventListener('abort', () => ((withdrawn = true), resolve({ outcome: { outcome: 'cancelled' } }))));
      model.script({ toolCalls: [rm] }, { text: 'removed by the editor' });
      expect((await prompt(a, sessionId, 'clean up again')).stopReason).toBe('end_turn');
      expect(a.permissions.length).toBe(3);
      await a.until(() => withdrawn, 'the question to be withdrawn');
      expect(existsSync(join(ws, 'build'))).toBe(false);
    } finally {
      editor.dispose();
    }

    // Unattended mode: what would ask is refused at once, and nobody is asked.
    await a.agent.request(acp.methods.agent.session.setMode, { sessionId, modeId: 'unattended' });
    await a.until(() => a.of('current_mode_update', sessionId).length > 0, 'the mode update');
    mkdirSync(join(ws, 'build'), { recursive: true });
    model.script({ toolCalls: [rm] }, { text: 'could not' });
    expect((await prompt(a, sessionId, 'clean up while I am away')).stopReason).toBe('end_turn');
    expect(a.permissions.length).toBe(3);
    expect(existsSync(join(ws, 'build'))).toBe(true);
    answer = () => ({ outcome: { outcome: 'cancelled' } });
  });

  it('session/cancel interrupts the running turn and the prompt ends cancelled', async () => {
    const sessionId = await newSession();
    model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 30; echo woke' } }] }, { text: 'never sent' });
    try {
      const pending = prompt(a, sessionId, 'wait a while');
      await a.until(() => a.of('tool_call', sessionId).some((c) => c.kind === 'execute'), 'the command to start');
      await a.agent.notify(acp.methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe('cancelled');
      // The command was stopped, and the model was not asked again after it.
      const call = a.of('tool_call', sessionId).find((c) => c.kind === 'execute')!;
      const last = a.of('tool_call_update', sessionId).filter((u) => u.toolCallId === call.toolCallId).at(-1)!;
      expect(JSON.stringify(last.content ?? [])).not.toContain('woke');
      expect(a.text(sessionId)).not.toContain('never sent');
      expect(model.pending()).toBe(1);
    } finally {
      model.reset();
    }
  });

  it('a prompt on a thread busy with another surface queues; cancelling it leaves the other turn running', async () => {
    const sessionId = await newSession();
    const editor = await connectSocket(join(home, 'host.sock'));
    try {
      await editor.initialize({ name: 'vscode' });
      model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 2; echo editor-side' } }] }, { text: 'editor turn done' });
      const { turn } = await editor.request('turn/start', { threadId: sessionId, input: [{ type: 'text', text: 'from the editor' }] });
      await editor.waitFor('item/started', (p) => p.item.type === 'commandExecution');
      const before = model.chatRequests().length;
      const pending = prompt(a, sessionId, 'from zed');
      await a.agent.notify(acp.methods.agent.session.cancel, { sessionId });
      expect((await pending).stopReason).toBe('cancelled');
      const done = await editor.waitFor('turn/completed', (p) => p.turn.id === turn.id);
      expect(done.turn.status).toBe('completed');
      // The queued ACP turn never ran: the model was asked only for the editor's turn.
      expect(model.chatRequests().length).toBe(before + 1);
      expect(model.pending()).toBe(0);
    } finally {
      editor.dispose();
      model.reset();
    }
  });

  it('runs slash commands from the prompt without the model, and answers a failed turn with its error', async () => {
    const sessionId = await newSession();
    await expect(a.agent.request(acp.methods.agent.session.new, { cwd: join(ws, 'missing'), mcpServers: [] })).rejects.toThrow(/no such folder/);
    const before = model.chatRequests().length;
    expect((await prompt(a, sessionId, '/help')).stopReason).toBe('end_turn');
    expect(a.text(sessionId)).toContain('/undo');
    expect(model.chatRequests().length).toBe(before);

    model.script({ kind: 'status', status: 400, message: 'model says no' });
    await expect(prompt(a, sessionId, 'hello')).rejects.toThrow(/model says no/);
  });

  it('a second adapter attaches to the first, loads a session with its history replayed first, and a socket client lists it', async () => {
    const sessionId = await newSession();
    model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'echo remembered' } }] }, { text: 'The answer is 42.' });
    await prompt(a, sessionId, 'what is the answer?');

    // Another client of the same host (VS Code, here a plain socket client) sees the ACP session as a thread.
    const sock = await connectSocket(join(home, 'host.sock'));
    await sock.initialize({ name: 'vscode' });
    const { threads } = await sock.request('thread/list', {});
    expect(threads.find((t) => t.id === sessionId)).toMatchObject({ source: 'acp', cwd: ws });
    // And the other way: a thread that client starts is a session an ACP client can list.
    const { thread: fromEditor } = await sock.request('thread/start', { cwd: ws, title: 'started in the editor' });
    sock.dispose();

    const b = AcpTestClient.start({ home, cwd: ws });
    try {
      await b.initialize();
      const listed = await b.agent.request(acp.methods.agent.session.list, { cwd: ws });
      expect(listed.sessions.map((s) => s.sessionId)).toContain(sessionId);
      expect(listed.sessions.find((s) => s.sessionId === fromEditor.id)).toMatchObject({ cwd: ws, title: 'started in the editor' });
      let answeredAt = 0;
      await b.agent.request(acp.methods.agent.session.load, { sessionId, cwd: ws, mcpServers: [] }).then(() => (answeredAt = b.updates.length));
      const replay = b.updates.slice(0, answeredAt).filter((u) => u.sessionId === sessionId).map((u) => u.update);
      const kinds = replay.map((u) => u.sessionUpdate);
      expect(kinds.slice(0, 4)).toEqual(['user_message_chunk', 'tool_call', 'tool_call_update', 'agent_message_chunk']);
      expect(replay[0]).toMatchObject({ content: { type: 'text', text: 'what is the answer?' } });
      expect(replay[2]).toMatchObject({ status: 'completed' });
      expect(JSON.stringify(replay[2])).toContain('remembered');
      expect(replay[3]).toMatchObject({ content: { type: 'text', text: 'The answer is 42.' } });

      // The loaded session continues the same thread, with its history.
      model.script({ text: 'Still 42.' });
      expect((await prompt(b, sessionId, 'and now?')).stopReason).toBe('end_turn');
      expect(b.text(sessionId)).toContain('Still 42.');
      const msgs = model.chatRequests().at(-1)!.body.messages.map((m) => String(m.content));
      expect(msgs.some((c) => c.includes('The answer is 42.'))).toBe(true);
      await expect(b.agent.request(acp.methods.agent.session.load, { sessionId: 'thr_nope', cwd: ws, mcpServers: [] })).rejects.toThrow();
      // Resume continues a session without replaying it.
      const before = b.of('user_message_chunk', sessionId).length;
      const resumed = await b.agent.request(acp.methods.agent.session.resume, { sessionId, cwd: ws });
      expect(resumed.modes?.currentModeId).toBe('ask');
      expect(b.of('user_message_chunk', sessionId).length).toBe(before);
    } finally {
      expect(await b.close()).toBe(0);
    }
  });

  it('reads and writes files through the client when it offers fs methods, and asks clarify questions as forms', async () => {
    writeFileSync(join(ws, 'draft.md'), 'on disk\n');
    const reads: string[] = [];
    const writes: { path: string; content: string }[] = [];
    const c = AcpTestClient.start({
      home,
      cwd: ws,
      handlers: {
        readTextFile: (p) => (reads.push(p.path), { content: 'unsaved buffer text\n' }),
        writeTextFile: (p) => (writes.push({ path: p.path, content: p.content }), {}),
        elicit: (p) => (questions.push(p.message), { action: 'accept', content: { answer: 'blue' } }),
      },
    });
    const questions: string[] = [];
    try {
      await c.initialize({ read: true, write: true, elicit: true });
      const { sessionId } = await c.agent.request(acp.methods.agent.session.new, { cwd: ws, mcpServers: [] });
      model.script(
        { toolCalls: [{ name: 'read_file', arguments: { path: 'draft.md' } }] },
        { toolCalls: [{ name: 'clarify', arguments: { question: 'Which colour?', choices: ['red', 'blue'] } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'draft.md', content: 'rewritten\n' } }] },
        { text: 'edited' },
      );
      expect((await prompt(c, sessionId, 'edit the draft')).stopReason).toBe('end_turn');
      expect(reads).toContain(join(ws, 'draft.md'));
      expect(writes).toEqual([{ path: join(ws, 'draft.md'), content: 'rewritten\n' }]);
      // The model saw the editor's buffer, and the disk was left to the editor.
      const toolResults = model.chatRequests().flatMap((r) => r.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)));
      expect(toolResults.some((t) => t.includes('unsaved buffer text'))).toBe(true);
      // The clarify tool's question came as a form, and its answer reached the model.
      expect(questions).toEqual(['Which colour?']);
      expect(toolResults).toContain('The user answered: blue');
      expect(readFileSync(join(ws, 'draft.md'), 'utf8')).toBe('on disk\n');
      const read = c.of('tool_call', sessionId).find((t) => t.kind === 'read')!;
      expect(read).toMatchObject({ title: 'Read draft.md', locations: [{ path: join(ws, 'draft.md') }] });
    } finally {
      expect(await c.close()).toBe(0);
    }
  });
});
