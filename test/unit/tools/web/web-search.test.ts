import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type HermesConfig } from '../../../../server/config/schema';
import { createWebSearchTool } from '../../../../server/tools/web/web-search';
import { startFakeWeb, type FakeWeb } from '../../../support/fake-web';
import { makeCtx, tempDir } from '../helpers/context';

const KEYS = { brave: 'brave-key-123456', tavily: 'tvly-key-123456', firecrawl: 'fc-key-1234567' };
let web: FakeWeb;
beforeAll(async () => {
  web = await startFakeWeb(KEYS);
});
afterAll(() => web.close());

function config(backend: HermesConfig['web']['backend'], extra: Partial<HermesConfig['web']> = {}): HermesConfig {
  const c = defaultConfig();
  c.web = { ...c.web, backend, brave_url: web.url, tavily_url: web.url, firecrawl_url: web.url, duckduckgo_url: web.url, ...extra };
  return c;
}

async function search(c: HermesConfig, env: Record<string, string>, args: { query: string; limit?: number }) {
  const tool = createWebSearchTool({ env: () => env });
  const res = await tool.run(args, makeCtx(tempDir(), { config: c }));
  return res;
}

describe('web_search backends', () => {
  it('DuckDuckGo (keyless): parses the HTML page, skips ads, wraps as untrusted', async () => {
    const res = await search(config('duckduckgo'), {}, { query: 'cats & dogs', limit: 2 });
    expect(res.isError).toBeFalsy();
    expect(res.content).toMatch(new RegExp(`^<untrusted_web_content source="${web.url}/html/\\?q=cats%20%26%20dogs">\\n\\[Untrusted data`));
    expect(res.content).toContain('1. Result cats & dogs one\n   https://example.com/a?x=1&y=2\n   First & best snippet');
    expect(res.content).toContain('2. Result two\n   https://example.org/b');
    expect(res.content).not.toContain('Sponsored');
    expect(res.content).not.toContain('3. ');
    expect(web.requests.at(-1)!.path).toBe('/html/?q=cats%20%26%20dogs');
  });

  it('DuckDuckGo: a bot-check page becomes a clear error', async () => {
    const res = await search(config('duckduckgo'), {}, { query: 'ratelimit' });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/refused the query \(rate limit or bot check\)/);
  });

  it('Brave: key in X-Subscription-Token, HTML stripped from titles and snippets', async () => {
    const res = await search(config('brave'), { BRAVE_SEARCH_API_KEY: KEYS.brave }, { query: 'q1', limit: 2 });
    expect(res.content).toContain('1. Brave q1 1\n   https://brave.example/1\n   Brave snippet 1 with bold');
    expect(res.content).not.toContain('3. ');
    const req = web.requests.at(-1)!;
    expect(req.path).toBe('/res/v1/web/search?q=q1&count=2');
    expect(req.headers['x-subscription-token']).toBe(KEYS.brave);
    expect(res.content).not.toContain(KEYS.brave);
  });

  it('Tavily: POST /search with a bearer key', async () => {
    const res = await search(config('tavily'), { TAVILY_API_KEY: KEYS.tavily }, { query: 'q2' });
    expect(res.content).toContain('1. Tavily 1\n   https://tavily.example/1\n   Tavily content 1');
    const req = web.requests.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', path: '/search' });
    expect(JSON.parse(req.body)).toEqual({ query: 'q2', max_results: 5 });
    expect(req.body).not.toContain(KEYS.tavily);
    expect(req.headers.authorization).toBe(`Bearer ${KEYS.tavily}`);
  });

  it('Firecrawl: POST /v1/search', async () => {
    const res = await search(config('firecrawl'), { FIRECRAWL_API_KEY: KEYS.firecrawl }, { query: 'q3', limit: 1 });
    expect(res.content).toContain('1. Firecrawl 1\n   https://firecrawl.example/1\n   Firecrawl desc 1');
    expect(JSON.parse(web.requests.at(-1)!.body)).toEqual({ query: 'q3', limit: 1 });
  });

  it('SearXNG: GET /search?format=json, limited client-side', async () => {
    const res = await search(config('searxng', { searxng_url: `${web.url}/` }), {}, { query: 'q4', limit: 3 });
    expect(res.content).toContain('3. Searx 3');
    expect(res.content).not.toContain('4. Searx 4');
    expect(web.requests.at(-1)!.path).toBe('/search?q=q4&format=json');
  });

  it('a key echoed back in an error never reaches the model', async () => {
    const wrong = 'wrong-key-9876543210';
    const res = await search(config('brave'), { BRAVE_SEARCH_API_KEY: wrong }, { query: 'x' });
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/Brave Search answered HTTP 401/);
    expect(res.content).not.toContain(wrong);
    const res2 = await search(config('tavily'), { TAVILY_API_KEY: wrong }, { query: 'x' });
    expect(res2.content).toMatch(/Tavily answered HTTP 401/);
    expect(res2.content).not.toContain(wrong);
  });
});

describe('web_search backend choice and availability', () => {
  it('auto picks the first keyed backend configured, then SearXNG, else DuckDuckGo', async () => {
    const all = { FIRECRAWL_API_KEY: KEYS.firecrawl, TAVILY_API_KEY: KEYS.tavily, BRAVE_SEARCH_API_KEY: KEYS.brave };
    expect((await search(config('auto'), all, { query: 'a' })).content).toContain('Firecrawl 1');
    expect((await search(config('auto'), { TAVILY_API_KEY: KEYS.tavily, BRAVE_SEARCH_API_KEY: KEYS.brave }, { query: 'a' })).content).toContain('Tavily 1');
    expect((await search(config('auto'), { BRAVE_SEARCH_API_KEY: KEYS.brave }, { query: 'a' })).content).toContain('Brave a 1');
    expect((await search(config('auto', { searxng_url: web.url }), {}, { query: 'a' })).content).toContain('Searx 1');
    expect((await search(config('auto'), { BRAVE_SEARCH_API_KEY: '  ' }, { query: 'a' })).content).toContain('Result two');
  });

  it('available() says why the tool is hidden when the chosen backend is not configured', () => {
    const tool = createWebSearchTool({ env: {} });
    expect(tool.available!({ config: config('brave'), env: {} })).toBe('web.backend is brave but BRAVE_SEARCH_API_KEY is not set');
    expect(tool.available!({ config: config('searxng'), env: {} })).toBe('web.backend is searxng but web.searxng_url is not set');
    expect(tool.available!({ config: config('auto'), env: {} })).toBe(true);
    expect(tool.available!({ config: config('tavily'), env: { TAVILY_API_KEY: 'k' } })).toBe(true);
    expect(tool.parallelSafe).toBe(true);
  });

  it('limits the result count to 1-10 in the schema', () => {
    const tool = createWebSearchTool({ env: {} });
    expect(tool.schema.safeParse({ query: 'x', limit: 11 }).success).toBe(false);
    expect(tool.schema.safeParse({ query: 'x', limit: 0 }).success).toBe(false);
    expect(tool.schema.safeParse({ query: 'x' }).success).toBe(true);
  });
});
