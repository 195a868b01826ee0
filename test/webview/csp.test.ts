// The page's Content-Security-Policy and the markdown sanitizer, together: model output that carries script, event
// handlers or inline styles does nothing, the CSP is in force (an inline script is refused), and the page's own
// script and styles cause no violation.
import { describe, expect, it } from 'vitest';
import { createNonce, renderWebviewHtml, webviewCsp } from '../../extension/chat/html';
import { send, useWebviewEnv } from './setup';

const env = useWebviewEnv();

describe('renderWebviewHtml', () => {
  const opts = { scriptUri: 'https://file.vscode-cdn.net/x/main.js', styleUri: 'https://file.vscode-cdn.net/x/index.css', cspSource: 'https://*.vscode-cdn.net', nonce: 'abcdefghijklmnop1234' };

  it('serves one nonce-bearing external script, no inline script or style, and a strict policy', () => {
    const html = renderWebviewHtml(opts);
    expect(webviewCsp(opts)).toBe(
      "default-src 'none'; script-src 'nonce-abcdefghijklmnop1234'; style-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net",
    );
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${webviewCsp(opts)}">`);
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][0]).toContain('nonce="abcdefghijklmnop1234"');
    expect(scripts[0][0]).toContain('src="https://file.vscode-cdn.net/x/main.js"');
    expect(scripts[0][1]).toBe('');
    expect(html).not.toMatch(/<style|style="/);
  });

  it('refuses weak nonces and sources that would add directives', () => {
    expect(() => renderWebviewHtml({ ...opts, nonce: 'short' })).toThrow(/nonce/);
    expect(() => renderWebviewHtml({ ...opts, cspSource: "https://x; script-src 'unsafe-inline'" })).toThrow(/cspSource/);
    expect(() => renderWebviewHtml({ ...opts, scriptUri: '' })).toThrow(/scriptUri/);
    expect(() => renderWebviewHtml({ ...opts, cspSource: "'unsafe-inline'" })).toThrow(/cspSource/);
  });

  it("accepts VS Code's own cspSource with the 'self' keyword", () => {
    const html = renderWebviewHtml({ ...opts, cspSource: "'self' https://*.vscode-cdn.net" });
    expect(html).toContain("style-src 'self' https://*.vscode-cdn.net");
  });

  it('creates distinct, valid nonces', () => {
    const a = createNonce();
    const b = createNonce();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(() => renderWebviewHtml({ ...opts, nonce: a })).not.toThrow();
  });
});

describe('CSP and sanitizing in the browser (real host)', () => {
  it('does not run script or handlers from model markdown and reports no violation for its own script', async () => {
    const evil = [
      'Here you go: <script>window.__pwned = "script"</script>',
      '<img src="x" onerror="window.__pwned = \'onerror\'">',
      '<a href="javascript:window.__pwned=\'href\'" id="evil-link">click me</a>',
      '<div style="color: red" onclick="window.__pwned = \'click\'" id="styled">styled</div>',
      '<iframe src="https://example.com"></iframe>',
      '',
      '![remote](https://example.com/tracker.png)',
    ].join('\n');
    env.model.script({ text: evil });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'show me html');
    const msg = page.locator('.msg.agent[data-status="completed"]');
    await msg.waitFor();

    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await msg.locator('script, iframe, img, [onerror], [onclick], [style]').count()).toBe(0);
    // Raw HTML from the model is shown as text, not rendered.
    expect(await msg.textContent()).toContain('<script>window.__pwned = "script"</script>');
    expect(await msg.textContent()).toContain('<img src="x" onerror=');
    expect(await msg.locator('a[href^="javascript:" i]').count()).toBe(0);
    // The remote image is offered as a link instead of a load the CSP would block.
    expect(await msg.locator('a', { hasText: 'remote' }).getAttribute('href')).toBe('https://example.com/tracker.png');
    // No inline style attributes anywhere in the app (the theme variables on <html> are VS Code's, set by the harness).
    expect(await page.locator('body [style]').count()).toBe(0);
    expect(await h.cspViolations()).toEqual([]);
  });

  it('has the policy in force: an inline script is refused and reported', async () => {
    const h = await env.open();
    const page = h.page;
    await page.locator('.app').waitFor();
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.appendChild(s);
      const el = document.createElement('div');
      el.setAttribute('style', 'color: red');
      document.body.appendChild(el);
    });
    expect(await page.evaluate(() => (window as any).__inline)).toBeUndefined();
    // Reported once per policy: the page carries the same one as a header and as a <meta>.
    await expect.poll(async () => [...new Set((await h.cspViolations()).map((v) => v.directive))].sort()).toEqual(['script-src-elem', 'style-src-attr']);
    const header = (await fetch(page.url())).headers.get('content-security-policy');
    expect(header).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]+'; style-src http:\/\/127\.0\.0\.1:\d+;/);
  });
});
