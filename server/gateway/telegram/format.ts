// Markdown (as models write it) → Telegram's HTML parse mode. HTML is chosen over MarkdownV2 because only three
// characters need escaping (& < >) instead of eighteen, so model text cannot break the entities by accident. What
// Telegram still rejects (e.g. overlapping tags) is resent as plain text by the delivery layer.

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}

function inline(text: string): string {
  // Inline code first: nothing inside it is formatting.
  const out: string[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(emphasis(text.slice(last, m.index)), `<code>${escapeHtml(m[1])}</code>`);
    last = m.index + m[0].length;
  }
  out.push(emphasis(text.slice(last)));
  return out.join('');
}

function emphasis(raw: string): string {
  let s = escapeHtml(raw);
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, t: string, u: string) => `<a href="${escapeAttr(u.replace(/&amp;/g, '&'))}">${t}</a>`);
  s = s.replace(/^#{1,6}\s+(.+)$/gm, '<b>$1</b>');
  s = s.replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<b>$1</b>');
  s = s.replace(/__(?=\S)([^_\n]*?\S)__/g, '<b>$1</b>');
  s = s.replace(/~~(?=\S)([^~\n]*?\S)~~/g, '<s>$1</s>');
  s = s.replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1<i>$2</i>');
  s = s.replace(/(^|[^_\w])_(?=\S)([^_\n]*?\S)_(?![_\w])/g, '$1<i>$2</i>');
  return s;
}

export function markdownToTelegramHtml(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let prose: string[] = [];
  let code: string[] | null = null;
  let lang = '';
  const flushProse = () => {
    if (prose.length) out.push(inline(prose.join('\n')));
    prose = [];
  };
  for (const line of lines) {
    const fence = /^\s*(```|~~~)\s*([\w+#.-]*)\s*$/.exec(line);
    if (fence && code === null) {
      flushProse();
      code = [];
      lang = fence[2];
      continue;
    }
    if (fence && code !== null && !fence[2]) {
      out.push(`<pre><code${lang ? ` class="language-${escapeAttr(lang)}"` : ''}>${escapeHtml(code.join('\n'))}</code></pre>`);
      code = null;
      continue;
    }
    if (code !== null) code.push(line);
    else prose.push(line);
  }
  if (code !== null) out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
  flushProse();
  return out.join('\n');
}
