// Images in the chat view against the real host: a picture pasted into the message box waits beside it, goes with
// the message as an image input (the model gets it as an image_url part), and the transcript shows it as a
// thumbnail read back from the host; a dropped image in a format models do not take is refused with a notice.
import { describe, expect, it } from 'vitest';
import { useWebviewEnv } from './setup';

const env = useWebviewEnv();

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Fires a paste (or drop) on the message box carrying one file, as the browser does for a clipboard image. */
async function fileEvent(page: import('playwright-core').Page, kind: 'paste' | 'drop', file: { name: string; type: string; base64: string }) {
  await page.getByRole('textbox', { name: 'Message' }).evaluate(
    (el, { kind, file }) => {
      const bytes = Uint8Array.from(atob(file.base64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], file.name, { type: file.type }));
      const ev = kind === 'paste' ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }) : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      el.dispatchEvent(ev);
    },
    { kind, file },
  );
}

describe('images in the chat view (real host)', () => {
  it('a pasted image is sent with the message and shown as a thumbnail; a dropped BMP is refused with a notice', async () => {
    env.model.script({ text: 'A single pixel.' });
    const h = await env.openReal();
    const page = h.page;
    const box = page.getByRole('textbox', { name: 'Message' });

    await fileEvent(page, 'drop', { name: 'scan.bmp', type: 'image/bmp', base64: btoa('BM not for models') });
    await page.locator('.notice.error', { hasText: 'Could not attach: scan.bmp is not a PNG, JPEG, GIF or WebP image' }).waitFor();
    expect(await page.locator('.pending-image').count()).toBe(0);

    await fileEvent(page, 'paste', { name: 'pixel.png', type: 'image/png', base64: PNG_B64 });
    const pending = page.getByRole('list', { name: 'Attached images' }).locator('img');
    await pending.waitFor();
    expect(await pending.getAttribute('src')).toBe(`data:image/png;base64,${PNG_B64}`);
    // Removable before sending.
    await fileEvent(page, 'paste', { name: 'second.png', type: 'image/png', base64: PNG_B64 });
    await expect.poll(() => page.locator('.pending-image').count()).toBe(2);
    await page.getByRole('button', { name: 'Remove second.png' }).click();
    await expect.poll(() => page.locator('.pending-image').count()).toBe(1);

    await box.fill('what is this?');
    await box.press('Enter');
    await page.locator('.msg.agent p', { hasText: 'A single pixel.' }).waitFor();
    expect(await page.locator('.pending-image').count()).toBe(0);

    const sent = h.requestsSent('turn/start').at(-1);
    expect(sent.input).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', data: `data:image/png;base64,${PNG_B64}`, name: 'pixel.png' },
    ]);
    const body = env.model.chatRequests().at(-1)!.body;
    const parts = body.messages.at(-1)!.content as { type: string; image_url?: { url: string } }[];
    expect(parts.find((p) => p.type === 'image_url')?.image_url?.url).toBe(`data:image/png;base64,${PNG_B64}`);

    // The transcript's user message shows the stored image, read back through thread/attachment.
    const thumb = page.locator('.msg.user .msg-images img.thumb');
    await thumb.waitFor();
    expect(await thumb.getAttribute('src')).toBe(`data:image/png;base64,${PNG_B64}`);
    expect(await thumb.getAttribute('alt')).toBe('pixel.png');
    expect(h.requestsSent('thread/attachment')).toHaveLength(1);
    await h.screenshot('image-thumbnail');

    // A reload reads the thread again and shows the same picture.
    const threadId = (await page.locator('.transcript').getAttribute('data-thread'))!;
    const read = await h.hostRequest('thread/read', { threadId });
    expect(read.items[0].content[1]).toMatchObject({ type: 'image', mimeType: 'image/png', size: 70, name: 'pixel.png' });
    expect(read.items[0].content[1].data).toBeUndefined();
  });
});
