// Firecrawl: POST /v1/search and POST /v1/scrape (markdown), bearer key.
import { apiJson, joinUrl } from '../api';
import type { ExtractBackend, SearchBackend } from '../types';

interface FirecrawlSearch {
  success?: boolean;
  data?: { url?: string; title?: string; description?: string }[];
  error?: string;
}

interface FirecrawlScrape {
  success?: boolean;
  data?: { markdown?: string; metadata?: { title?: string; sourceURL?: string; statusCode?: number } };
  error?: string;
}

export function firecrawlBackend(baseUrl: string, key: string): SearchBackend & ExtractBackend {
  const headers = { authorization: `Bearer ${key}` };
  const call = <T>(path: string, body: unknown, signal?: AbortSignal, timeoutMs?: number) =>
    apiJson<T>({ service: 'Firecrawl', url: joinUrl(baseUrl, path), method: 'POST', headers, body, secret: key, signal, timeoutMs });
  return {
    name: 'firecrawl',
    async search(query, limit, signal) {
      const data = await call<FirecrawlSearch>('/v1/search', { query, limit }, signal);
      if (data.success === false) throw new Error(`Firecrawl search failed: ${data.error ?? 'unknown error'}`);
      const results = (data.data ?? [])
        .filter((r) => r.url)
        .map((r) => ({ title: r.title ?? '', url: r.url!, snippet: r.description ?? '' }));
      return { results: results.slice(0, limit), source: `${joinUrl(baseUrl, '/v1/search')}?query=${encodeURIComponent(query)}` };
    },
    async extract(urls, signal) {
      return Promise.all(
        urls.map(async (url) => {
          try {
            const data = await call<FirecrawlScrape>('/v1/scrape', { url, formats: ['markdown'], onlyMainContent: true }, signal, 60_000);
            if (data.success === false || !data.data) return { url, error: data.error ?? 'Firecrawl could not scrape this URL' };
            return { url, title: data.data.metadata?.title, content: data.data.markdown ?? '' };
          } catch (err) {
            return { url, error: (err as Error).message };
          }
        }),
      );
    },
  };
}
