// Tavily: POST /search and POST /extract, bearer key.
import { apiJson, joinUrl } from '../api';
import type { ExtractBackend, SearchBackend } from '../types';

interface TavilySearch {
  results?: { title?: string; url?: string; content?: string }[];
}

interface TavilyExtract {
  results?: { url?: string; raw_content?: string; title?: string }[];
  failed_results?: { url?: string; error?: string }[];
}

export function tavilyBackend(baseUrl: string, key: string): SearchBackend & ExtractBackend {
  const headers = { authorization: `Bearer ${key}` };
  return {
    name: 'tavily',
    async search(query, limit, signal) {
      const url = joinUrl(baseUrl, '/search');
      const data = await apiJson<TavilySearch>({
        service: 'Tavily',
        url,
        method: 'POST',
        headers,
        body: { query, max_results: limit },
        secret: key,
        signal,
      });
      const results = (data.results ?? [])
        .filter((r) => r.url)
        .map((r) => ({ title: r.title ?? '', url: r.url!, snippet: r.content ?? '' }));
      return { results: results.slice(0, limit), source: `${url}?query=${encodeURIComponent(query)}` };
    },
    async extract(urls, signal) {
      const data = await apiJson<TavilyExtract>({
        service: 'Tavily',
        url: joinUrl(baseUrl, '/extract'),
        method: 'POST',
        headers,
        body: { urls, format: 'markdown' },
        secret: key,
        signal,
        timeoutMs: 60_000,
      });
      return urls.map((u) => {
        const ok = data.results?.find((r) => r.url === u);
        if (ok) return { url: u, title: ok.title, content: ok.raw_content ?? '' };
        const failed = data.failed_results?.find((r) => r.url === u);
        return { url: u, error: failed?.error ?? 'Tavily returned nothing for this URL' };
      });
    },
  };
}
