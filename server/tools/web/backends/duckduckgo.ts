// Keyless search through DuckDuckGo's HTML endpoint. The page is parsed for result links (`result__a`, whose
// href is a redirect carrying the target in `uddg`) and the snippet that follows each; ads (`y.js`) are skipped.
import { apiRequest, joinUrl } from '../api';
import { USER_AGENT } from '../fetch-page';
import { decodeEntities, htmlText } from '../html-to-markdown';
import type { SearchBackend, SearchResult } from '../types';

export function parseDuckDuckGoHtml(html: string): SearchResult[] {
  const anchors = [...html.matchAll(/<a\b([^>]*\bclass="[^"]*\bresult__a\b[^"]*"[^>]*)>([\s\S]*?)<\/a>/g)];
  const results: SearchResult[] = [];
  anchors.forEach((a, i) => {
    const href = /\bhref="([^"]*)"/.exec(a[1]!)?.[1];
    if (!href) return;
    const url = targetUrl(decodeEntities(href));
    if (!url) return;
    const end = anchors[i + 1]?.index ?? html.length;
    const section = html.slice(a.index! + a[0].length, end);
    const snip = /<(a|div|td)\b[^>]*\bclass="[^"]*\bresult__snippet\b[^"]*"[^>]*>([\s\S]*?)<\/\1>/.exec(section);
    results.push({ title: htmlText(a[2]!), url, snippet: snip ? htmlText(snip[2]!) : '' });
  });
  return results;
}

function targetUrl(href: string): string | null {
  try {
    const u = new URL(href, 'https://duckduckgo.com');
    if (u.pathname === '/y.js') return null; // an ad
    const uddg = u.searchParams.get('uddg');
    if (uddg) return uddg;
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

export function duckDuckGoBackend(baseUrl: string): SearchBackend {
  return {
    name: 'duckduckgo',
    async search(query, limit, signal) {
      const url = `${joinUrl(baseUrl, '/html/')}?q=${encodeURIComponent(query)}`;
      const { status, text } = await apiRequest({
        service: 'DuckDuckGo',
        url,
        headers: { 'user-agent': USER_AGENT, accept: 'text/html' },
        signal,
      });
      const results = parseDuckDuckGoHtml(text);
      // DuckDuckGo answers 202 with a bot-check page when it rate-limits.
      if (!results.length && (status === 202 || /anomaly|captcha|challenge/i.test(text)))
        throw new Error('DuckDuckGo refused the query (rate limit or bot check); try again later or configure a keyed backend');
      return { results: results.slice(0, limit), source: url };
    },
  };
}
