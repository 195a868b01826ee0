// Model text → safe HTML: marked for markdown, highlight.js for fenced code (a few common languages only, to keep
// the bundle small), DOMPurify over the result. Model output is untrusted: raw HTML in it is shown as text, not
// rendered (parsing it at all would make Chromium report CSP violations for any inline handler or style in it),
// and DOMPurify still checks everything marked produced (links, and anything a marked bug might let through).
import { Marked, type Tokens } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, diff, go, javascript, json, python, rust, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function codeBlock({ text, lang }: Tokens.Code): string {
  const name = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
  // Only named languages are highlighted: auto-detection runs every grammar and is too slow for streaming.
  const known = name && hljs.getLanguage(name);
  const body = known ? hljs.highlight(text, { language: name, ignoreIllegals: true }).value : escapeHtml(text);
  const label = name ? `<span class="code-lang">${escapeHtml(name)}</span>` : '<span class="code-lang"></span>';
  return (
    `<div class="code-block"><div class="code-head">${label}` +
    `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div>` +
    `<pre><code class="hljs${known ? ` language-${escapeHtml(name)}` : ''}">${body}</code></pre></div>`
  );
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: { code: codeBlock, html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text) },
});

const FORBID_TAGS = ['style', 'form', 'input', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'link', 'meta', 'base', 'audio', 'video', 'source', 'picture'];

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      el.setAttribute('rel', 'noopener noreferrer');
    } else if (el.tagName === 'IMG') {
      // Remote images are blocked by the CSP; show them as links instead of a broken load and a violation report.
      const src = el.getAttribute('src') ?? '';
      if (!src.startsWith('data:image/')) {
        const a = el.ownerDocument.createElement('a');
        a.setAttribute('href', src);
        a.setAttribute('rel', 'noopener noreferrer');
        a.textContent = el.getAttribute('alt') || src;
        el.replaceWith(a);
      }
    }
  });
}

/** Renders untrusted markdown to sanitized HTML. */
export function renderMarkdown(src: string): string {
  installHooks();
  const html = marked.parse(src) as string;
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset', 'formaction'], ALLOW_DATA_ATTR: false });
}

/**
 * Splits streaming text where the part before can no longer change its rendering: after the last blank line that
 * is outside a code fence. The stable head is rendered once and reused; only the tail is rendered each frame.
 */
export function stableSplit(text: string): number {
  let fence: string | null = null;
  let cut = 0;
  let pos = 0;
  for (const line of text.split('\n')) {
    const end = pos + line.length + 1;
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1];
      else if (m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
    } else if (!fence && line.trim() === '' && end <= text.length) {
      cut = end;
    }
    pos = end;
  }
  return Math.min(cut, text.length);
}
