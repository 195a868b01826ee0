// delegate_task end to end: the built host, the scripted model answering per thread (a subagent's requests carry
// its own system prompt and task), children on linked threads, their interrupt, timeout, background completion and
// a restart while one runs.
import { describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig } from '../support/host-process';
import { useE2E } from '../support/e2e-env';
import type { ChatBody } from '../support/model-server';

const env = useE2E();

const isChild = (b: ChatBody) => String(b.messages[0]?.content ?? '').includes('## You are a subagent');
const childOf = (goal: string) => (b: ChatBody) => isChild(b) && JSON.stringify(b.messages).includes(`YOUR TASK:\\n${goal}`);
const parentFirst = (b: ChatBody) => !isChild(b) && !b.messages.some((m) => m.role === 'tool');
const parentAfterTool = (b: ChatBody) => !isChild(b) && b.messages.some((m) => m.role === 'tool');
const toolNames = (b: ChatBody) => (b.tools ?? []).map((t) => t.function.name);

async function boot(extra = '', home = tempHome(), handlers?: Record<string, (p: any) => unknown>) {
  writeTestConfig(home, env.model.baseURL, extra);
  const host = env.start({ home, handlers });
  await host.client.initialize({ approvals: !!handlers?.['approval/request'] });
  return { home, host, client: host.client };
}

function lastToolResult(threadId?: string): string {
  const req = [...env.model.chatRequests()].reverse().find((r) => parentAfterTool(r.body))!;
  void threadId;
  return String(req.body.messages.filter((m) => m.role === 'tool').at(-1)!.content);
}

describe('delegate_task', () => {
  it('runs a batch of children at once on linked threads with a restricted toolset and returns their summaries', async () => {
    env.model.script(
      {
        when: parentFirst,
        toolCalls: [{ name: 'delegate_task', arguments: { tasks: [{ goal: 'count the alpha files' }, { goal: 'read the beta notes', context: 'notes live in beta/' }] } }],
      },
      { when: childOf('count the alpha files'), text: 'There are 3 alpha files.', usage: { prompt: 100, completion: 10, cost: 0.001 } },
      { when: childOf('read the beta notes'), text: 'Beta notes say: ship it.', usage: { prompt: 200, completion: 20 } },
      { when: parentAfterTool, text: 'Both subagents reported back.' },
    );
    const { client } = await boot();
    const { thread } = await client.request('thread/start', {});
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'split the work' }] });
    const done = await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(done.turn.status).toBe('completed');

    const result = JSON.parse(lastToolResult());
    expect(result.results).toHaveLength(2);
    const byGoal = Object.fromEntries(result.results.map((r: any) => [r.goal, r]));
    expect(byGoal['count the alpha files']).toMatchObject({ status: 'completed', summary: 'There are 3 alpha files.', iterations: 1, tokens: { prompt: 100, completion: 10, total: 110 }, cost_usd: 0.001 });
    expect(byGoal['read the beta notes']).toMatchObject({ status: 'completed', summary: 'Beta notes say: ship it.', tokens: { total: 220 } });
    expect(byGoal['read the beta notes'].duration_seconds).toBeGreaterThanOrEqual(0);

    // Both children were running at the same moment (one item update shows them side by side, both running).
    const updates = client.of('item/updated').filter((u) => u.threadId === thread.id).map((u) => (u.item as any).children ?? []);
    expect(updates.some((c: any[]) => c.length === 2 && c.every((x) => x.status === 'running'))).toBe(true);

    // Children are threads of their own, linked to the parent and kept in history.
    const { threads } = await client.request('thread/list', {});
    const kids = threads.filter((t) => t.parentId === thread.id);
    expect(kids).toHaveLength(2);
    expect(kids.every((k) => k.parentKind === 'delegate' && k.source === 'subagent')).toBe(true);
    const card = (await client.request('thread/read', { threadId: thread.id })).items.find((i) => i.type === 'toolCall' && i.tool === 'delegate_task') as any;
    expect(card.children.map((c: any) => c.threadId).sort()).toEqual(kids.map((k) => k.id).sort());
    expect(card.children.every((c: any) => c.status === 'completed')).toBe(true);
    const kid = await client.request('thread/read', { threadId: kids[0]!.id });
    expect(kid.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);

    // What a child may use: not delegate_task, clarify, memory, send_message or execute_code.
    const childReq = env.model.chatRequests().find((r) => isChild(r.body))!.body;
    const names = toolNames(childReq);
    expect(names).toContain('read_file');
    for (const banned of ['delegate_task', 'clarify', 'memory', 'send_message', 'execute_code']) expect(names).not.toContain(banned);
    expect(toolNames(env.model.chatRequests().find((r) => parentFirst(r.body))!.body)).toContain('delegate_task');
  });

  it("a child's dangerous command asks the parent's surface, and the answer holds", async () => {
    env.model.script(
      { when: parentFirst, toolCalls: [{ name: 'delegate_task', arguments: { goal: 'clean the build' } }] },
      { when: (b) => childOf('clean the build')(b) && !b.messages.some((m) => m.role === 'tool'), toolCalls: [{ name: 'terminal', arguments: { command: 'rm -rf build' } }] },
      { when: (b) => childOf('clean the build')(b) && b.messages.some((m) => m.role === 'tool'), text: 'The user denied the delete; nothing removed.' },
      { when: parentAfterTool, text: 'The subagent was not allowed to delete build/.' },
    );
    const asked: any[] = [];
    const { client } = await boot('', tempHome(), { 'approval/request': (p) => (asked.push(p), { decision: 'deny' }) });
    const { thread } = await client.request('thread/start', {});
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'clean up' }] });
    await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    const child = (await client.request('thread/list', {})).threads.find((t) => t.parentId === thread.id)!;
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ threadId: child.id, command: 'rm -rf build', kind: 'command' });
    const [r] = JSON.parse(lastToolResult()).results;
    expect(r).toMatchObject({ status: 'completed', summary: 'The user denied the delete; nothing removed.', iterations: 2 });
  });

  it('interrupting the parent interrupts its running child', async () => {
    env.model.script(
      { when: parentFirst, toolCalls: [{ name: 'delegate_task', arguments: { goal: 'think forever' } }] },
      { when: childOf('think forever'), kind: 'stall', text: 'hmm' },
      // After the interrupt nothing more is asked of the model; the step below stays for a stray retry.
    );
    const { client } = await boot();
    const { thread } = await client.request('thread/start', {});
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const childStarted = await client.waitFor('thread/started', (p) => p.thread.parentId === thread.id);
    await client.waitFor('turn/started', (p) => p.threadId === childStarted.thread.id);
    await client.request('turn/interrupt', { threadId: thread.id });
    const parentDone = await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(parentDone.turn.status).toBe('interrupted');
    const childDone = await client.waitFor('turn/completed', (p) => p.threadId === childStarted.thread.id);
    expect(childDone.turn.status).toBe('interrupted');
    const card = (await client.request('thread/read', { threadId: thread.id })).items.find((i) => i.type === 'toolCall') as any;
    expect(card.children[0]).toMatchObject({ threadId: childStarted.thread.id, status: 'interrupted' });
    env.model.reset();
  });

  it('a hung child times out with a clear result and the parent continues', async () => {
    env.model.script(
      { when: parentFirst, toolCalls: [{ name: 'delegate_task', arguments: { goal: 'hang please' } }] },
      { when: childOf('hang please'), kind: 'stall', text: 'starting' },
      { when: parentAfterTool, text: 'The subagent timed out; moving on.' },
    );
    const { client } = await boot('delegation:\n  child_timeout_seconds: 1\n');
    const { thread } = await client.request('thread/start', {});
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'try it' }] });
    const done = await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(done.turn.status).toBe('completed');
    const [r] = JSON.parse(lastToolResult()).results;
    expect(r.status).toBe('timeout');
    expect(r.summary).toMatch(/^TIMED OUT: the subagent did not finish within 1 s/);
    env.model.reset();
  });

  it('a background child reports back as a notice turn once the parent is idle', async () => {
    env.model.script(
      { when: parentFirst, toolCalls: [{ name: 'delegate_task', arguments: { goal: 'background survey', background: true } }] },
      { when: (b) => parentAfterTool(b) && !JSON.stringify(b.messages).includes('Notice from the host'), text: 'Started it; carrying on.' },
      { when: childOf('background survey'), text: 'Survey done: 7 endpoints.', firstTokenDelayMs: 50 },
      { when: (b) => !isChild(b) && JSON.stringify(b.messages.at(-1)).includes('Notice from the host'), text: 'The survey found 7 endpoints.' },
    );
    const { client } = await boot();
    const { thread } = await client.request('thread/start', {});
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'survey in the background' }] });
    const first = await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(JSON.parse(lastToolResult())).toMatchObject({ status: 'started' });
    // The notice turn: a second turn on the parent, started by the host.
    const notice = await client.waitFor('turn/completed', (p) => p.threadId === thread.id && p.turn.id !== first.turn.id);
    expect(notice.turn.status).toBe('completed');
    const read = await client.request('thread/read', { threadId: thread.id });
    const texts = read.items.filter((i) => i.type === 'userMessage').map((i) => JSON.stringify(i));
    expect(texts.some((t) => t.includes('ended with status \\"completed\\"') && t.includes('Survey done: 7 endpoints.'))).toBe(true);
    expect(read.items.filter((i) => i.type === 'agentMessage').at(-1)).toMatchObject({ text: 'The survey found 7 endpoints.' });
    const card = read.items.find((i) => i.type === 'toolCall') as any;
    expect(card.children[0]).toMatchObject({ status: 'completed', summary: 'Survey done: 7 endpoints.' });
  });

  it('a host restart marks a running background child interrupted and tells the parent', async () => {
    env.model.script(
      { when: parentFirst, toolCalls: [{ name: 'delegate_task', arguments: { goal: 'slow crawl', background: true } }] },
      { when: (b) => parentAfterTool(b) && !JSON.stringify(b.messages).includes('Notice from the host'), text: 'Crawl started.' },
      { when: childOf('slow crawl'), kind: 'stall', text: 'crawling' },
    );
    const home = tempHome();
    const first = await boot('', home);
    const { thread } = await first.client.request('thread/start', {});
    await first.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'crawl' }] });
    const child = await first.client.waitFor('thread/started', (p) => p.thread.parentId === thread.id);
    await first.client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    await first.client.waitFor('turn/started', (p) => p.threadId === child.thread.id);
    // Killed outright: nothing gets to close the child's record.
    await first.host.kill('SIGKILL');
    env.model.reset();
    env.model.script({ when: (b) => !isChild(b) && JSON.stringify(b.messages.at(-1)).includes('Notice from the host'), text: 'The crawl was lost in a restart; I will rerun it.' });

    const second = await boot('', home);
    // The notice turn may run before this client has attached: poll the thread for its answer.
    let read = await second.client.request('thread/read', { threadId: thread.id });
    for (let i = 0; i < 300; i++) {
      read = await second.client.request('thread/read', { threadId: thread.id });
      if (read.items.some((it) => it.type === 'agentMessage' && it.text.includes('lost in a restart'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(read.turns.at(-1)!.status).toBe('completed');
    const last = read.items.filter((i) => i.type === 'userMessage').at(-1)!;
    expect(JSON.stringify(last)).toMatch(/ended with status \\"interrupted\\"[\s\S]*host restarted/);
    const card = read.items.find((i) => i.type === 'toolCall') as any;
    expect(card.children[0]).toMatchObject({ threadId: child.thread.id, status: 'interrupted' });
  });
});
