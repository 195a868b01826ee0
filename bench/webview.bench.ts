// Webview figures, measured in Debian's Chromium with the real host behind the test harness (scripted model at zero
// latency):
//  1. prompt sent in the webview → first token rendered in the DOM; baseline: the host's own first delta, measured
//     on a plain JSON-RPC client (turn/start sent → first item/agentMessage/delta received).
//  2. opening a stored 500-message thread (thread/read through the bridge → transcript rendered and painted), and
//     the rendering part alone; baseline: JSON.parse of the same thread/read answer + the same text as <pre> nodes.
import { median, report } from './lib';
import { launchChromium, WebviewHarness } from '../test/support/webview-harness';
import { ScriptedModelServer } from '../test/support/model-server';

const FIRST_TOKEN_RUNS = 15;
const RENDER_RUNS = 7;
const TURNS = 250; // 500 messages

function reply(i: number): string {
  return `Answer **${i}**: use \`fn(${i})\` here.\n\n- first point\n- second point\n\n\`\`\`ts\nconst value${i} = compute(${i});\nconsole.log(value${i});\n\`\`\``;
}

async function main(): Promise<void> {
  const model = await ScriptedModelServer.start();
  const browser = await launchChromium();
  const h = await WebviewHarness.open({ browser, modelBaseURL: model.baseURL, viewport: { width: 600, height: 900 } });
  const page = h.page;
  try {
    await h.until(() => h.fromWebview.some((m) => m.type === 'ready'), 'ready');
    await page.locator('.transcript[data-state="ready"]').waitFor();

    // ---- 1. first rendered token ----------------------------------------------------------------------------------
    const webview: number[] = [];
    for (let i = 0; i <= FIRST_TOKEN_RUNS; i++) {
      model.script({ text: ['Hello', ' there, this is run ', String(i)] });
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill(`prompt ${i}`);
      // The Send button enables once the composer has rendered the new draft.
      await page.waitForFunction(() => (document.querySelector('button.send') as HTMLButtonElement | null)?.disabled === false);
      const footers = await page.locator('.turn-footer').count();
      const ms = await page.evaluate((n) => {
        return new Promise<number>((resolve) => {
          const seen = () => {
            const msgs = document.querySelectorAll('.msg.agent');
            return msgs.length > n && (msgs[msgs.length - 1].textContent ?? '').includes('Hello');
          };
          const t0 = performance.now();
          const mo = new MutationObserver(() => {
            if (!seen()) return;
            mo.disconnect();
            resolve(performance.now() - t0);
          });
          mo.observe(document.body, { subtree: true, childList: true, characterData: true });
          document.querySelector('textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        });
      }, i);
      await page.locator('.turn-footer').nth(footers).waitFor();
      if (i > 0) webview.push(ms); // the first run also creates the thread
    }

    const { thread: direct } = await h.hostRequest('thread/start', {});
    const host: number[] = [];
    for (let i = 0; i <= FIRST_TOKEN_RUNS; i++) {
      model.script({ text: ['Hello', ' there, direct run ', String(i)] });
      const before = h.notifications.length;
      const t0 = performance.now();
      const { turn } = await h.hostRequest('turn/start', { threadId: direct.id, input: [{ type: 'text', text: `direct ${i}` }] });
      await h.until(() => h.notifications.slice(before).some((n) => n.method === 'item/agentMessage/delta' && n.params.turnId === turn.id), 'first delta');
      const ms = performance.now() - t0;
      await h.waitForNotification('turn/completed', (p) => p.turn.id === turn.id);
      if (i > 0) host.push(ms);
    }

    // ---- 2. a 500-message thread ----------------------------------------------------------------------------------
    const { thread: big } = await h.hostRequest('thread/start', { title: 'five hundred messages' });
    for (let i = 0; i < TURNS; i++) {
      model.script({ text: reply(i) });
      const { turn } = await h.hostRequest('turn/start', { threadId: big.id, input: [{ type: 'text', text: `Question number ${i}: what should I do about item ${i}?` }] });
      await h.waitForNotification('turn/completed', (p) => p.turn.id === turn.id);
    }
    const read = await h.hostRequest('thread/read', { threadId: big.id });
    const messages = read.items.filter((it: { type: string }) => it.type === 'userMessage' || it.type === 'agentMessage').length;

    const open: number[] = [];
    const renderOnly: number[] = [];
    for (let i = 0; i <= RENDER_RUNS; i++) {
      await h.post({ type: 'command', command: 'newChat' });
      await page.waitForFunction(() => document.querySelector('.transcript')?.getAttribute('data-thread') === '');
      const r = await page.evaluate((threadId) => {
        return new Promise<{ total: number; render: number }>((resolve) => {
          performance.clearMarks('hermes:threadRead');
          const t0 = performance.now();
          const done = () => {
            const el = document.querySelector('.transcript');
            const ready = el?.getAttribute('data-state') === 'ready' && el.getAttribute('data-thread') === threadId && document.querySelectorAll('.msg.agent').length > 0;
            if (!ready) return requestAnimationFrame(done);
            // Rendered once the frame after the commit has been produced (layout and paint included).
            requestAnimationFrame(() =>
              setTimeout(() => {
                const t1 = performance.now();
                const mark = performance.getEntriesByName('hermes:threadRead').at(-1)!;
                resolve({ total: t1 - t0, render: t1 - mark.startTime });
              }),
            );
          };
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'command', command: 'openThread', threadId } }));
          requestAnimationFrame(done);
        });
      }, big.id);
      if (i > 0) {
        open.push(r.total);
        renderOnly.push(r.render);
      }
    }
    const inDom = await page.locator('.transcript-inner > .msg').count();

    const json = JSON.stringify(read);
    const baseline: number[] = [];
    for (let i = 0; i <= RENDER_RUNS; i++) {
      const ms = await page.evaluate((text) => {
        return new Promise<number>((resolve) => {
          const t0 = performance.now();
          const data = JSON.parse(text) as { items: { type: string; text?: string; content?: { text?: string }[] }[] };
          const box = document.createElement('div');
          for (const it of data.items) {
            const pre = document.createElement('pre');
            pre.textContent = it.type === 'userMessage' ? (it.content ?? []).map((c) => c.text ?? '').join('') : (it.text ?? '');
            box.appendChild(pre);
          }
          document.body.appendChild(box);
          requestAnimationFrame(() =>
            setTimeout(() => {
              const t1 = performance.now();
              box.remove();
              resolve(t1 - t0);
            }),
          );
        });
      }, json);
      if (i > 0) baseline.push(ms);
    }

    const base = median(baseline);
    report('webview', [
      { metric: 'prompt → first rendered token (webview, real host)', value: median(webview), unit: 'ms', baseline: median(host) },
      { metric: 'host first delta (JSON-RPC client, baseline)', value: median(host), unit: 'ms' },
      { metric: `open ${messages}-message thread: thread/read + render + paint`, value: median(open), unit: 'ms', baseline: base, target: '< 1000 ms' },
      { metric: `render + paint after thread/read arrived (${inDom} of ${messages} messages in the DOM window)`, value: median(renderOnly), unit: 'ms', baseline: base },
      { metric: 'baseline: JSON.parse + plain <pre> per message', value: base, unit: 'ms' },
    ]);
    console.log(`runs: first token ${webview.length}, host ${host.length}, render ${open.length}, baseline ${baseline.length}; thread/read JSON ${(json.length / 1024).toFixed(0)} KiB`);
  } finally {
    await h.close();
    await browser.close();
    await model.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
