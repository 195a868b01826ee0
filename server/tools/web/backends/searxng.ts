// A SearXNG instance: GET /search?format=json (the instance must have the json format enabled).
import { apiJson, joinUrl } from '../api';
import { htmlText } from '../html-to-markdown';
import type { SearchBackend } from '../types';

interface SearxResponse {
  results?: { title?: string; url?: string; content?: string }[];
}

export function searxngBackend(baseUrl: string): SearchBackend {
  return {
    name: 'searxng',
    async search(query, limit, signal) {
      const url = `${joinUrl(baseUrl, '/search')}?q=${encodeURIComponent(query)}&format=json`;
      const data = await apiJson<SearxResponse>({ service: 'SearXNG', url, signal });
      const results = (data.results ?? [])
        .filter((r) => r.url)
        .map((r) => ({ title: htmlText(r.title ?? ''), url: r.url!, snippet: htmlText(r.content ?? '') }));
      return { results: results.slice(0, limit), source: url };
    },
  };
}
