// Brave Search API: GET /res/v1/web/search with the key in X-Subscription-Token.
import { apiJson, joinUrl } from '../api';
import { htmlText } from '../html-to-markdown';
import type { SearchBackend } from '../types';

interface BraveResponse {
  web?: { results?: { title?: string; url?: string; description?: string }[] };
}

export function braveBackend(baseUrl: string, key: string): SearchBackend {
  return {
    name: 'brave',
    async search(query, limit, signal) {
      const url = `${joinUrl(baseUrl, '/res/v1/web/search')}?q=${encodeURIComponent(query)}&count=${limit}`;
      const data = await apiJson<BraveResponse>({
        service: 'Brave Search',
        url,
        headers: { 'x-subscription-token': key },
        secret: key,
        signal,
      });
      const results = (data.web?.results ?? [])
        .filter((r) => r.url)
        .map((r) => ({ title: htmlText(r.title ?? ''), url: r.url!, snippet: htmlText(r.description ?? '') }));
      return { results: results.slice(0, limit), source: url };
    },
  };
}
