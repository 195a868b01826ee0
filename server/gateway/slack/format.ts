// Markdown (as models write it) → Slack mrkdwn. Slack reads `&`, `<` and `>` as markup everywhere (links, user and
// channel mentions, `<!channel>` broadcasts), so every piece of model text is escaped first — inside code too — and
// only the links we build ourselves use angle brackets. Then the Markdown that differs is rewritten: `**b**` → `*b*`,
// `*i*`/`_i_` → `_i_`, `~~s~~` → `~s~`, `[t](url)` → `<url|t>`, headings → bold lines, `- item` → `• item`.
// Code blocks lose their language tag (Slack would print it as the first line of code).

/** Escapes the three characters Slack treats as markup. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Private-use characters stand in for formatting while the other rules run, so one rule cannot re-read another's
// output (bold's `*` would otherwise be taken for italics).
const BOLD = '\uE000';
const CODE_OPEN = '\uE001';
const CODE_CLOSE = '\uE002';

function link(text: string, url: string): string {
  // `|` and `>` end the URL part of a Slack link; the URL is already escaped, so only `|` needs encoding.
  const u = url.replace(/\|/g, '%7C');
  return text === url ? `<${u}>` : `<${u}|${text.replace(/\|/g, '¦')}>`;
}

function emphasis(escaped: string): string {
  let s = escaped;
  // Links first: their text may hold emphasis, their URL must not be touched by the rules below.
  const links: string[] = [];
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, t: string, u: string) => {
    links.push(link(t, u));
    return `\uE003${links.length - 1}\uE003`;
  });
  s = s.replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, t: string) => `${BOLD}${t.replace(/\*\*|__/g, '')}${BOLD}`);
  s = s.replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, `${BOLD}$1${BOLD}`);
  s = s.replace(/__(?=\S)([^_\n]*?\S)__/g, `${BOLD}$1${BOLD}`);
  s = s.replace(/~~(?=\S)([^~\n]*?\S)~~/g, '~$1~');
  s = s.replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1_$2_');
  s = s.replace(/^(\s*)[-*+]\s+/gm, '$1• ');
  s = s.replace(new RegExp(BOLD, 'g'), '*');
  return s.replace(/\uE003(\d+)\uE003/g, (_m, i: string) => links[Number(i)]);
}

function inline(text: string): string {
  // Inline code first: nothing inside it is formatting (but it is still escaped).
  const out: string[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(emphasis(escapeSlack(text.slice(last, m.index))), `${CODE_OPEN}${escapeSlack(m[1])}${CODE_CLOSE}`);
    last = m.index + m[0].length;
  }
  out.push(emphasis(escapeSlack(text.slice(last))));
  return out.join('').replace(new RegExp(`[${CODE_OPEN}${CODE_CLOSE}]`, 'g'), '`');
}

export function markdownToMrkdwn(md: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  let code: string[] | null = null;
  let marker = '```';
  const flush = () => {
    if (prose.length) out.push(inline(prose.join('\n')));
    prose = [];
  };
  for (const line of md.replace(/\r\n/g, '\n').split('\n')) {
    const fence = /^\s*(```+|~~~+)\s*([\w+#.-]*)\s*$/.exec(line);
    if (fence && code === null) {
      flush();
      code = [];
      marker = fence[1][0] === '~' ? '~~~' : '```';
      continue;
    }
    if (fence && code !== null && !fence[2] && fence[1].startsWith(marker)) {
      out.push('```\n' + escapeSlack(code.join('\n')) + '\n```');
      code = null;
      continue;
    }
    if (code !== null) code.push(line);
    else prose.push(line);
  }
  // An unclosed block (a reply cut short) is still shown as code.
  if (code !== null) out.push('```\n' + escapeSlack(code.join('\n')) + '\n```');
  flush();
  return out.join('\n');
}
