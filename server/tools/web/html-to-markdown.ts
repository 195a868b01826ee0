// HTML → markdown for the model: page chrome (scripts, styles, navigation, footers) dropped, links made absolute,
// inline images reduced to their alt text. Also the small text helpers the HTML search backend needs.
import type TurndownService from 'turndown';

// turndown brings a whole DOM implementation; it is loaded when the first page is converted, not at host start.
let Turndown: typeof TurndownService | undefined;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** Visible text of an HTML fragment, whitespace collapsed. */
export function htmlText(fragment: string): string {
  return decodeEntities(fragment.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

export function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const t = m ? htmlText(m[1]!) : '';
  return t || undefined;
}

function absolute(href: string, base?: string): string {
  if (!base) return href;
  try {
    return new URL(href, base).toString();
  } catch {
    return href;
  }
}

function converter(base?: string): TurndownService {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Turndown ??= require('turndown') as typeof TurndownService;
  const td = new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  td.remove(['script', 'style', 'nav', 'footer', 'noscript', 'template', 'iframe', 'canvas', 'head', 'title']);
  td.remove((node) => node.nodeName.toLowerCase() === 'svg');
  td.addRule('absoluteLinks', {
    filter: (node) => node.nodeName === 'A' && !!(node as HTMLElement).getAttribute('href'),
    replacement: (content, node) => {
      const href = (node as HTMLElement).getAttribute('href')!;
      const text = content.trim();
      if (/^(javascript|data):/i.test(href)) return text;
      if (href.startsWith('#')) return text;
      return text ? `[${text}](${absolute(href, base)})` : '';
    },
  });
  // Turndown pads list markers to four columns; two-space nesting says the same in fewer tokens.
  td.addRule('compactListItems', {
    filter: 'li',
    replacement: (content, node, options) => {
      const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n/gm, '\n  ');
      const parent = node.parentNode as HTMLElement | null;
      let marker = `${options.bulletListMarker} `;
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? 1) || 1;
        marker = `${start + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      return marker + body + (node.nextSibling && !body.endsWith('\n') ? '\n' : '');
    },
  });
  td.addRule('imagesAsAlt', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = ((node as HTMLElement).getAttribute('alt') ?? '').trim();
      return alt ? `[image: ${alt}]` : '';
    },
  });
  return td;
}

export function htmlToMarkdown(html: string, baseUrl?: string): { title?: string; markdown: string } {
  const title = htmlTitle(html);
  const md = converter(baseUrl)
    .turndown(html)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title, markdown: md };
}
