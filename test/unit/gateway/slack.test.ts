import { describe, expect, it, vi } from 'vitest';
import { App } from '@slack/bolt';
import { escapeSlack, markdownToMrkdwn } from '../../../server/gateway/slack/format';
import { decodeCallbackId, messageEnvelope, slashEnvelope, tapEnvelope, type MessageEvent } from '../../../server/gateway/slack/events';
import { classifySlack } from '../../../server/gateway/slack/errors';
import { durableProcess } from '../../../server/gateway/slack/socket';
import { splitMessage } from '../../../server/gateway/split';
import Database from 'better-sqlite3';
import { migrate } from '../../../server/store/migrations';
import { ThreadMembers } from '../../../server/gateway/thread-members';
import { GatewayStore } from '../../../server/gateway/store';
import { Marks, markKey, newerTs, readMissed, type HistoryReader } from '../../../server/gateway/slack/backfill';

function memoryDb(): Database.Database {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

/** No `<` or `&` in the output except the links we build and entities. */
const safe = (s: string) => s.replace(/<https?:\/\/[^|>\s]+(\|[^>]*)?>/g, '').replace(/&(amp|lt|gt);/g, '');

describe('markdown → mrkdwn', () => {
  it('escapes & < > everywhere, inside code too, so model text cannot mention or broadcast', () => {
    const out = markdownToMrkdwn('Tell <!channel> & <@U123> about `a<b>&c`\n```\nif (a < b && c > d) {}\n```');
    expect(out).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(out).toContain('`a&lt;b&gt;&amp;c`');
    expect(out).toContain('if (a &lt; b &amp;&amp; c &gt; d) {}');
    expect(safe(out)).not.toMatch(/[<&]/);
    expect(escapeSlack('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('bold, italics, strike, headings and lists in Slack syntax; emphasis inside code is left alone', () => {
    expect(markdownToMrkdwn('**bold** and *it* and _it2_ and ~~gone~~')).toBe('*bold* and _it_ and _it2_ and ~gone~');
    expect(markdownToMrkdwn('## Title **x**\n- one\n* two')).toBe('*Title x*\n• one\n• two');
    expect(markdownToMrkdwn('`**not bold**`')).toBe('`**not bold**`');
    expect(markdownToMrkdwn('a * b * c')).toBe('a * b * c');
  });

  it('links become <url|text> with & escaped in the URL; a bare link stays clickable', () => {
    expect(markdownToMrkdwn('see [the docs](https://x.dev/a?b=1&c=2) now')).toBe('see <https://x.dev/a?b=1&amp;c=2|the docs> now');
    expect(markdownToMrkdwn('[x|y](https://x.dev/p|q)')).toBe('<https://x.dev/p%7Cq|x¦y>');
    expect(markdownToMrkdwn('[https://x.dev](https://x.dev)')).toBe('<https://x.dev>');
  });

  it('code blocks drop the language tag and keep their content verbatim; an unclosed block is still code', () => {
    expect(markdownToMrkdwn('```python\nprint("*hi*")\n```')).toBe('```\nprint("*hi*")\n```');
    expect(markdownToMrkdwn('text\n```js\nlet a = 1;')).toBe('text\n```\nlet a = 1;\n```');
    expect(markdownToMrkdwn('~~~\nx\n~~~')).toBe('```\nx\n```');
  });

  it('each part of a split reply converts on its own into balanced code blocks', () => {
    const code = Array.from({ length: 400 }, (_, i) => `row ${i} <x>`).join('\n');
    const parts = splitMessage(`intro\n\`\`\`sh\n${code}\n\`\`\`\nend`, 2000).map(markdownToMrkdwn);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
      expect(p).not.toContain('```sh');
    }
  });
});

const me = { botUserId: 'UBOT', botId: 'BBOT' };
const msg = (o: Partial<MessageEvent>): MessageEvent => ({ type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'hi', ts: '100.1', ...o });
const never = () => false;

describe('Slack events → envelopes', () => {
  it('a DM is one conversation; a thread in it is another; text is unescaped', () => {
    expect(messageEnvelope(msg({ text: 'a &lt;b&gt; &amp; c' }), me, 1, never)).toMatchObject({ chatId: 'D1', chatType: 'dm', messageId: '100.1', text: 'a <b> & c', mentioned: false });
    expect(messageEnvelope(msg({}), me, 1, never)!.threadId).toBeUndefined();
    expect(messageEnvelope(msg({ ts: '101.1', thread_ts: '100.1' }), me, 1, never)!.threadId).toBe('100.1');
  });

  it('in a channel the conversation is the thread; the mention is removed; a known thread needs no new mention', () => {
    const root = messageEnvelope(msg({ channel: 'C1', channel_type: 'channel', text: '<@UBOT> deploy it' }), me, 1, never)!;
    expect(root).toMatchObject({ chatType: 'channel', threadId: '100.1', text: 'deploy it', mentioned: true });
    const follow = messageEnvelope(msg({ channel: 'C1', channel_type: 'channel', ts: '102.1', thread_ts: '100.1', text: 'and test' }), me, 1, (c, t) => c === 'C1' && t === '100.1')!;
    expect(follow).toMatchObject({ mentioned: false, replyTo: { messageId: '100.1', fromBot: true }, threadId: '100.1' });
    expect(messageEnvelope(msg({ channel: 'C1', channel_type: 'channel', ts: '102.1', thread_ts: '100.1' }), me, 1, never)!.replyTo).toBeUndefined();
    expect(messageEnvelope({ ...msg({ channel: 'G1', text: '<@UBOT|hermes> yo' }), type: 'app_mention', channel_type: undefined }, me, 1, never)).toMatchObject({ chatType: 'group', mentioned: true, text: 'yo' });
  });

  it('the bot itself, other bots, edits and joins are not messages for the agent', () => {
    expect(messageEnvelope(msg({ user: 'UBOT' }), me, 1, never)).toBeUndefined();
    expect(messageEnvelope(msg({ bot_id: 'B9' }), me, 1, never)).toBeUndefined();
    expect(messageEnvelope(msg({ subtype: 'message_changed' }), me, 1, never)).toBeUndefined();
    expect(messageEnvelope(msg({ subtype: 'channel_join' }), me, 1, never)).toBeUndefined();
    expect(messageEnvelope(msg({ subtype: 'file_share', files: [{ id: 'F1', name: 'a.png', mimetype: 'image/png', url_private_download: 'https://files.slack.com/a.png' }] }), me, 1, never)!.attachments).toEqual([
      { kind: 'photo', fileId: 'https://files.slack.com/a.png', fileName: 'a.png', mimeType: 'image/png' },
    ]);
  });

  it('/hermes <cmd> is the command /<cmd>; bare /hermes is /help', () => {
    const base = { command: '/hermes', user_id: 'U1', channel_id: 'D1', trigger_id: 't1' };
    expect(slashEnvelope({ ...base, text: 'approve session' }, 1)).toMatchObject({ text: '/approve session', messageId: 'cmd:t1', chatType: 'dm', mentioned: true });
    expect(slashEnvelope({ ...base, text: '' }, 1).text).toBe('/help');
    expect(slashEnvelope({ ...base, text: '/model gpt-x' }, 1).text).toBe('/model gpt-x');
  });

  it('a tap carries what answering it needs in its callback id', () => {
    const e = tapEnvelope(
      { type: 'block_actions', trigger_id: 'tr1', user: { id: 'U1', name: 'al' }, channel: { id: 'C1' }, message: { ts: '5.5', thread_ts: '4.4' }, actions: [{ action_id: 'hermes_0', value: 'ea:once:abc' }] },
      1,
    )!;
    expect(e.callback).toMatchObject({ data: 'ea:once:abc', messageId: '5.5' });
    expect(decodeCallbackId(e.callback!.id)).toEqual({ trigger: 'tr1', channel: 'C1', user: 'U1', threadTs: '4.4' });
    expect(tapEnvelope({ type: 'block_actions', trigger_id: 't', user: { id: 'U1' }, actions: [] }, 1)).toBeUndefined();
  });
});

describe('Slack failures → delivery decisions', () => {
  it('rate limits wait, outages retry, refusals fail, a cut connection is ambiguous', () => {
    expect(classifySlack({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 })).toMatchObject({ kind: 'transient', retryAfter: 7 });
    expect(classifySlack({ code: 'slack_webapi_http_error', statusCode: 502 }).kind).toBe('transient');
    expect(classifySlack({ code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } }).kind).toBe('permanent');
    expect(classifySlack({ code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }).kind).toBe('format');
    expect(classifySlack({ code: 'slack_webapi_platform_error', data: { error: 'ratelimited' } }).kind).toBe('transient');
    expect(classifySlack({ code: 'slack_webapi_request_error', original: { cause: { code: 'ECONNREFUSED' } } }).kind).toBe('transient');
    expect(classifySlack({ code: 'slack_webapi_request_error', original: { cause: { code: 'UND_ERR_SOCKET' } } }).kind).toBe('ambiguous');
  });
});

describe('file downloads', () => {
  it('the bot token goes only to Slack file hosts or the configured API origin', async () => {
    const { SlackAdapter } = await import('../../../server/gateway/slack/adapter');
    const db = memoryDb();
    const a = new SlackAdapter({ botToken: 'xoxb-unit', appToken: 'xapp-unit', apiUrl: 'http://127.0.0.1:9/api/', threads: new ThreadMembers(db, 'slack'), state: new GatewayStore(db).channelState('slack') });
    await expect(a.downloadFile('https://evil.example/files/F1/x.txt')).rejects.toThrow(/refusing to fetch/);
    await expect(a.downloadFile('http://files.slack.com/F1/x.txt')).rejects.toThrow(/refusing to fetch/);
    await expect(a.downloadFile('https://files.slack.com.evil.example/F1')).rejects.toThrow(/refusing to fetch/);
  });
});

describe('record, then ack', () => {
  const app = () =>
    new App({
      receiver: { init() {}, start: async () => {}, stop: async () => {} },
      token: 'xoxb-unit',
      botId: 'BBOT',
      botUserId: 'UBOT',
      tokenVerificationEnabled: false,
    });
  const body = { type: 'event_callback', team_id: 'T1', event: { type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'hi', ts: '1.1' } };

  it('the ack goes out only after bolt’s listeners have recorded the event', async () => {
    const order: string[] = [];
    const a = app();
    a.event('message', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('recorded');
    });
    await durableProcess(a, { body, ack: async () => void order.push('acked') } as any);
    expect(order).toEqual(['recorded', 'acked']);
  });

  it('a listener that fails leaves the envelope unacked (Slack sends it again)', async () => {
    let acked = false;
    const a = app();
    a.error(async (e) => {
      throw e;
    });
    a.event('message', async () => {
      throw new Error('disk full');
    });
    await expect(durableProcess(a, { body, ack: async () => void (acked = true) } as any)).rejects.toThrow(/disk full/);
    expect(acked).toBe(false);
  });

  it('a slash command’s ack carries the listener’s response', async () => {
    let sent: unknown;
    const a = app();
    a.command('/hermes', async ({ ack }) => ack({ text: 'on it' } as any));
    await durableProcess(a, { body: { command: '/hermes', text: 'status', user_id: 'U1', channel_id: 'D1', team_id: 'T1', trigger_id: 't' }, ack: async (r: unknown) => void (sent = r) } as any);
    expect(sent).toEqual({ text: 'on it' });
  });
});

describe('thread membership (persisted, bounded)', () => {
  it('survives a new instance on the same database; quiet threads expire; past the size bound the least active go first', () => {
    const db = memoryDb();
    let now = 1_000_000_000;
    const bounds = { windowMs: 10_000, max: 3 };
    const a = new ThreadMembers(db, 'slack', bounds, () => now);
    a.join('C1', '1.1');
    expect(a.has('C1', '1.1')).toBe(true);
    expect(a.has('C1', '1.2')).toBe(false);
    expect(a.has('C2', '1.1')).toBe(false);
    // Another platform's threads are its own.
    expect(new ThreadMembers(db, 'discord', bounds, () => now).has('C1', '1.1')).toBe(false);
    // A restart: a new instance reads the same rows.
    const b = new ThreadMembers(db, 'slack', bounds, () => now);
    expect(b.has('C1', '1.1')).toBe(true);
    // Quiet past the window: forgotten (a new mention joins again).
    now += 10_001;
    expect(b.has('C1', '1.1')).toBe(false);
    expect(b.prune()).toBe(1);
    b.join('C1', '1.1');
    expect(b.has('C1', '1.1')).toBe(true);
    // Size bound: five threads, three kept — the most recently active.
    for (const t of ['2.1', '2.2', '2.3', '2.4']) {
      now += 100;
      b.join('C9', t);
      expect(b.has('C9', t)).toBe(true);
    }
    expect(b.prune()).toBe(2);
    expect(b.has('C1', '1.1')).toBe(false);
    expect(b.has('C9', '2.1')).toBe(false);
    expect(['2.2', '2.3', '2.4'].every((t) => b.has('C9', t))).toBe(true);
    expect((db.prepare(`SELECT COUNT(*) AS n FROM gw_thread_members`).get() as { n: number }).n).toBe(3);
  });
});

describe('Socket Mode connect against the fake Slack', () => {
  it('apps.connections.open answering 429 fails the attempt at once with Retry-After, for the supervisor to wait out', async () => {
    const { FakeSlack } = await import('../../support/fake-slack');
    const { runSocketMode } = await import('../../../server/gateway/slack/socket');
    const { createLogger } = await import('../../../server/util/log');
    const slack = await FakeSlack.start();
    const ctl = new AbortController();
    try {
      slack.fail('apps.connections.open', { status: 429, retryAfter: 30 });
      const opts = {
        appToken: slack.appToken,
        botToken: slack.botToken,
        apiUrl: slack.apiUrl,
        me: { botUserId: slack.botUserId },
        command: '/hermes',
        clientPingTimeoutMs: 5000,
        connectTimeoutMs: 20_000,
        log: createLogger({ stderr: false, level: 'error' }),
        signal: ctl.signal,
        onReady: () => {},
        onInbound: async () => {},
        envelopes: { message: async () => undefined, tap: async () => undefined, slash: async () => undefined as any },
      };
      const err = await runSocketMode(opts).then(
        () => undefined,
        (e) => e,
      );
      // Failed without sleeping the 30 s (the connect timeout is 20 s: it would have fired first).
      expect(err).toMatchObject({ kind: 'transient', retryAfter: 30 });
      expect(err.message).toMatch(/rate limit/i);
      // The next attempt connects.
      let ready = false;
      const run = runSocketMode({ ...opts, onReady: () => (ready = true) });
      await slack.waitFor(() => ready && slack.connected, 10_000, 'connected');
      ctl.abort();
      await run;
    } finally {
      ctl.abort();
      await slack.close();
    }
  });
});

describe('reading back what Slack never delivered', () => {
  const me = { botUserId: 'UBOT' };
  const env = (ev: Partial<MessageEvent>) => messageEnvelope({ type: 'message', channel: 'D1', user: 'U1', text: 'hi', ts: '1700000001.000001', ...ev } as MessageEvent, me, 1, () => false)!;

  it('marks move only for conversations with the bot, and a channel mention marks the thread it starts', () => {
    const state = new GatewayStore(memoryDb()).channelState('slack');
    const marks = new Marks(state);
    marks.load();
    marks.recorded(env({ channel_type: 'im' }));
    marks.recorded(env({ channel: 'C1', channel_type: 'channel', ts: '1700000002.000001', text: 'not for the bot' }));
    marks.recorded(env({ channel: 'C1', channel_type: 'channel', ts: '1700000003.000001', text: '<@UBOT> look' }));
    marks.recorded(env({ channel: 'C1', channel_type: 'channel', ts: '1700000004.000001', thread_ts: '1700000003.000001', text: 'more' }));
    marks.recorded(env({ channel_type: 'im', ts: '1700000000.000009' })); // older: the mark stays
    expect(Object.fromEntries(state.marks())).toEqual({
      'dm|D1|': '1700000001.000001',
      'channel|C1|': '1700000003.000001',
      'channel|C1|1700000003.000001': '1700000004.000001',
    });
  });

  it('a catch-up reads the most recently active conversations only', () => {
    const state = new GatewayStore(memoryDb()).channelState('slack');
    vi.useFakeTimers();
    try {
      for (let i = 1; i <= 5; i++) {
        vi.setSystemTime(1_800_000_000_000 + i * 1000);
        state.mark(`dm|D${i}|`, `170000000${i}.000001`);
      }
      expect([...new Marks(state).load(2).keys()]).toEqual(['dm|D5|', 'dm|D4|']);
      expect(new Marks(state).load().size).toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ts order is time order; history is read after each mark, oldest first, each thread root once', async () => {
    expect(newerTs('1700000010.000001', '1700000009.999999')).toBe(true);
    expect(newerTs('1700000009.000001', '1700000009.000001')).toBe(false);
    const calls: string[] = [];
    const read: HistoryReader = {
      history: async (channel, oldest, cursor) => {
        calls.push(`history ${channel} ${oldest} ${cursor ?? ''}`);
        return cursor
          ? { messages: [{ user: 'U1', text: 'b', ts: '1700000005.000001' }] }
          : { messages: [{ user: 'U1', text: 'c', ts: '1700000006.000001' }, { user: 'U1', text: 'old', ts: '1700000001.000001' }], next: 'p2' };
      },
      replies: async (channel, ts, oldest) => {
        calls.push(`replies ${channel} ${ts} ${oldest}`);
        return { messages: [{ user: 'U2', text: 'root', ts }, { user: 'U2', text: 'r1', ts: '1700000008.000001', thread_ts: ts }] };
      },
    };
    const seen: MessageEvent[] = [];
    const marks = new Map([
      ['dm|D1|', '1700000001.000001'],
      ['group|C9|1700000007.000001', '1700000007.000001'],
      ['nonsense', '1'],
    ]);
    await readMissed(marks, read, async (ev) => void seen.push(ev), { maxPages: 5, skip: () => false });
    // Conversations are read side by side; what each holds is handed over one conversation after another.
    expect(calls.sort()).toEqual(['history D1 1700000001.000001 ', 'history D1 1700000001.000001 p2', 'replies C9 1700000007.000001 1700000007.000001']);
    expect(seen.map((e) => [e.channel, e.channel_type, e.text])).toEqual([
      ['D1', 'im', 'b'],
      ['D1', 'im', 'c'],
      ['C9', 'group', 'r1'],
    ]);
    // A conversation Slack refuses for good is skipped; anything else fails the catch-up (the next connection retries).
    const refusing: HistoryReader = { history: async () => Promise.reject(new Error('channel_not_found')), replies: async () => ({ messages: [] }) };
    await readMissed(new Map([['dm|D2|', '1']]), refusing, async () => {}, { maxPages: 1, skip: () => true });
    await expect(readMissed(new Map([['dm|D2|', '1']]), refusing, async () => {}, { maxPages: 1, skip: () => false })).rejects.toThrow(/channel_not_found/);
    expect(markKey({ chatType: 'dm', channel: 'D2' })).toBe('dm|D2|');
  });
});
