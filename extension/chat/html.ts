// The chat webview's HTML, built by the extension (which serves it in VS Code) and by the browser tests (which
// serve it over HTTP), so both load the page with the same Content-Security-Policy. Pure: no DOM, no vscode import.

export interface WebviewHtmlOptions {
  /** URI of dist/webview/main.js as the webview may load it (webview.asWebviewUri in VS Code). */
  scriptUri: string;
  /** URI of dist/webview/index.css. */
  styleUri: string;
  /** `webview.cspSource`: the origin the webview's own resources come from. */
  cspSource: string;
  /** A fresh random value per render; only the script carrying it may run. */
  nonce: string;
}

const NONCE_RE = /^[A-Za-z0-9+/=_-]{16,}$/;

/** The policy alone, so a test server can send it as a header too. */
export function webviewCsp(opts: Pick<WebviewHtmlOptions, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${opts.nonce}'`,
    `style-src ${opts.cspSource}`,
    `img-src ${opts.cspSource} data:`,
    `font-src ${opts.cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const CSP_KEYWORD_RE = /^'(self|none)'$/;
const CSP_HOST_RE = /^[^'";,\s]+$/;

export function renderWebviewHtml(opts: WebviewHtmlOptions): string {
  // A short or guessable nonce would defeat the policy; refuse it rather than serve a weak page.
  if (!NONCE_RE.test(opts.nonce)) throw new Error('renderWebviewHtml: nonce must be at least 16 characters of [A-Za-z0-9+/=_-]');
  if (!opts.scriptUri || !opts.styleUri) throw new Error('renderWebviewHtml: scriptUri and styleUri are required');
  // The source is spliced into the policy: each token must be a host/scheme source or a quoted keyword such as
  // 'self' (VS Code's own cspSource is `'self' https://*.vscode-cdn.net`); a semicolon or line break would add directives.
  const tokens = opts.cspSource.trim().split(/[ \t]+/);
  if (!opts.cspSource.trim() || !tokens.every((t) => CSP_KEYWORD_RE.test(t) || CSP_HOST_RE.test(t))) {
    throw new Error(`renderWebviewHtml: cspSource must be source expressions, got ${JSON.stringify(opts.cspSource)}`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(webviewCsp(opts))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttr(opts.styleUri)}">
<title>Hermes</title>
</head>
<body>
<div id="root"></div>
<script nonce="${escapeAttr(opts.nonce)}" src="${escapeAttr(opts.scriptUri)}"></script>
</body>
</html>
`;
}

/** A random nonce for one render (Web Crypto, available in Node 20 and browsers). */
export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}
