// The ACP adapter's pure mappings: host items → tool calls and diffs, approvals → permission options and back,
// prompt blocks → turn input, thread history → replayed updates, and the live stream's bookkeeping.
import { describe, expect, it } from 'vitest';
import { diffBlocks, planUpdate, toolCallEnd, toolCallStart, toolKind } from '../../../server/acp/updates';
import { decisionOf, permissionRequest } from '../../../server/acp/permissions';
import { promptText, promptToInput } from '../../../server/acp/prompt-input';
import { replayUpdates } from '../../../server/acp/history';
import { LiveUpdates } from '../../../server/acp/live';
import { editorFsCapabilities } from '../../../server/acp/editor-fs';
import type { ApprovalRequestParams, Item } from '../../../server/protocol';

const patchDiff = [
  '--- a/src/app.ts',
  '+++ b/src/app.ts',
  '@@ -1,3 +1,3 @@',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  ' const c = 4;',
  '@@ -10,2 +10,3 @@',
  ' end();',
  '+more();',
  ' done();',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('ACP mapping', () => {
  it('turns each hunk of a unified diff into an old/new text pair on the absolute path', () => {
    expect(diffBlocks({ path: 'src/app.ts', kind: 'update', diff: patchDiff }, '/ws')).toEqual([
      { type: 'diff', path: '/ws/src/app.ts', oldText: 'const a = 1;\nconst b = 2;\nconst c = 4;', newText: 'const a = 1;\nconst b = 3;\nconst c = 4;' },
      { type: 'diff', path: '/ws/src/app.ts', oldText: 'end();\ndone();', newText: 'end();\nmore();\ndone();' },
    ]);
    const added = '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n';
    expect(diffBlocks({ path: '/abs/new.txt', kind: 'add', diff: added }, '/ws')).toEqual([{ type: 'diff', path: '/abs/new.txt', oldText: null, newText: 'x\ny' }]);
  });

  it('shows tool items with a kind, a title, locations and their final status', () => {
    const cmd: Item = { id: 'i1', type: 'commandExecution', tool: 'terminal', command: 'npm   test', status: 'inProgress' };
    expect(toolCallStart(cmd, '/ws')).toMatchObject({ sessionUpdate: 'tool_call', toolCallId: 'i1', title: 'npm test', kind: 'execute', status: 'in_progress' });
    expect(toolCallEnd({ ...cmd, status: 'declined' }, '/ws')).toMatchObject({ sessionUpdate: 'tool_call_update', status: 'failed' });
    const read: Item = { id: 'i2', type: 'toolCall', tool: 'read_file', arguments: { path: 'a.md', offset: 5 }, status: 'completed', result: '5|x' };
    expect(toolCallEnd(read, '/ws')).toMatchObject({ status: 'completed', title: 'Read a.md', locations: [{ path: '/ws/a.md', line: 5 }], content: [{ type: 'content', content: { type: 'text', text: '5|x' } }] });
    expect(toolKind({ id: 'i3', type: 'toolCall', tool: 'mcp_thing', arguments: {}, status: 'completed' })).toBe('other');
    expect(toolKind({ id: 'i4', type: 'fileChange', tool: 'patch', changes: [{ path: 'x', kind: 'delete', diff: '' }], status: 'completed' })).toBe('delete');
  });

  it('offers exactly the host choices as permission options and maps the pick back', () => {
    const p: ApprovalRequestParams = {
      requestId: 'r1',
      threadId: 't1',
      turnId: 'u1',
      itemId: 'i1',
      kind: 'command',
      tool: 'terminal',
      command: 'rm -rf build',
      cwd: '/ws',
      reasons: ['recursive delete'],
      choices: ['once', 'session', 'deny'],
    };
    const req = permissionRequest('s1', p);
    expect(req.toolCall).toMatchObject({ toolCallId: 'i1', title: 'Run rm -rf build in /ws', kind: 'execute', status: 'pending' });
    expect(req.options).toEqual([
      { optionId: 'once', name: 'Allow once', kind: 'allow_once' },
      { optionId: 'session', name: 'Allow for this session', kind: 'allow_always' },
      { optionId: 'deny', name: 'Deny', kind: 'reject_once' },
    ]);
    expect(decisionOf(p, { outcome: { outcome: 'selected', optionId: 'session' } })).toBe('session');
    // "always" was not offered (the host left it out): the answer decides nothing.
    expect(decisionOf(p, { outcome: { outcome: 'selected', optionId: 'always' } })).toBeNull();
    expect(decisionOf(p, { outcome: { outcome: 'selected', optionId: 'approve_for_session' } })).toBeNull();
    expect(decisionOf(p, { outcome: { outcome: 'cancelled' } })).toBe('deny');
  });

  it('turns prompt blocks into turn input: text, file links as mentions, embedded buffers inline, images as images', () => {
    const input = promptToInput([
      { type: 'text', text: 'look at' },
      { type: 'resource_link', name: 'a.ts', uri: 'file:///ws/a%20b.ts' },
      { type: 'resource', resource: { uri: 'file:///ws/c.ts', text: 'let c;' } },
      { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    ]);
    expect(input).toEqual([
      { type: 'text', text: 'look at' },
      { type: 'mention', path: '/ws/a b.ts' },
      { type: 'text', text: 'Contents of /ws/c.ts:\n```\nlet c;\n```' },
      { type: 'image', data: 'AAAA' },
    ]);
    expect(promptToInput([{ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' }])).toEqual([{ type: 'text', text: '[audio content is not supported by this agent]' }]);
    expect(promptText([{ type: 'text', text: '/model ' }, { type: 'text', text: 'x' }])).toBe('/model x');
    expect(promptText([{ type: 'resource_link', name: 'a', uri: 'file:///a' }])).toBeNull();
  });

  it('replays history in order and ends with the last plan once', () => {
    const todos = (status: string) => JSON.stringify({ todos: [{ id: '1', content: 'step', status }, { id: '2', content: 'gone', status: 'cancelled' }], open: 1 });
    const items: Item[] = [
      { id: 'u', type: 'userMessage', content: [{ type: 'text', text: 'hi' }, { type: 'mention', path: '/ws/a.ts' }] },
      { id: 'r', type: 'reasoning', text: 'thinking' },
      { id: 't1', type: 'toolCall', tool: 'todo', arguments: {}, status: 'completed', result: todos('in_progress') },
      { id: 't2', type: 'toolCall', tool: 'todo', arguments: {}, status: 'completed', result: todos('completed') },
      { id: 'm', type: 'agentMessage', text: 'done' },
    ];
    const out = replayUpdates(items, '/ws');
    expect(out.map((u) => u.sessionUpdate)).toEqual([
      'user_message_chunk',
      'user_message_chunk',
      'agent_thought_chunk',
      'tool_call',
      'tool_call_update',
      'tool_call',
      'tool_call_update',
      'agent_message_chunk',
      'plan',
    ]);
    expect(out[1]).toMatchObject({ content: { type: 'resource_link', uri: 'file:///ws/a.ts' } });
    expect(out.at(-1)).toEqual(planUpdate([{ id: '1', content: 'step', status: 'completed' }]));
  });

  it('streams deltas as chunks, accumulates command output, and sends a message that came whole', () => {
    const live = new LiveUpdates();
    const base = { threadId: 't', turnId: 'u' };
    expect(live.translate({ method: 'item/agentMessage/delta', params: { ...base, itemId: 'm', delta: 'He' } }, '/ws')).toEqual([
      { sessionUpdate: 'agent_message_chunk', messageId: 'm', content: { type: 'text', text: 'He' } },
    ]);
    // Completed after deltas: nothing more to send.
    expect(live.translate({ method: 'item/completed', params: { ...base, item: { id: 'm', type: 'agentMessage', text: 'Hello' } } }, '/ws')).toEqual([]);
    expect(live.translate({ method: 'item/completed', params: { ...base, item: { id: 'w', type: 'agentMessage', text: 'Whole' } } }, '/ws')).toEqual([
      { sessionUpdate: 'agent_message_chunk', messageId: 'w', content: { type: 'text', text: 'Whole' } },
    ]);
    live.translate({ method: 'item/commandExecution/outputDelta', params: { ...base, itemId: 'c', delta: 'a\n' } }, '/ws');
    const second = live.translate({ method: 'item/commandExecution/outputDelta', params: { ...base, itemId: 'c', delta: 'b\n' } }, '/ws');
    expect(second).toEqual([{ sessionUpdate: 'tool_call_update', toolCallId: 'c', content: [{ type: 'content', content: { type: 'text', text: 'a\nb\n' } }] }]);
  });

  it('offers the host only the file methods the client advertised', () => {
    expect(editorFsCapabilities({})).toEqual([]);
    expect(editorFsCapabilities({ fs: { readTextFile: true } })).toEqual(['fs/readTextFile']);
    expect(editorFsCapabilities({ fs: { readTextFile: true, writeTextFile: true } })).toEqual(['fs/readTextFile', 'fs/writeTextFile']);
  });
});
