import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type HermesConfig } from '../../../../server/config/schema';
import { fetchPage } from '../../../../server/tools/web/fetch-page';
import { createWebExtractTool } from '../../../../server/tools/web/web-extract';
import { startFakeWeb, type FakeWeb } from '../../../support/fake-web';
import { makeCtx, tempDir } from '../helpers/context';

const KEYS = { tavily: 'tvly-key-123456', firecrawl: 'fc-key-1234567' };
let web: FakeWeb;
beforeAll(async () => {
  web = await startFakeWeb(KEYS);
});
afterAll(() => web.close());

function config(opts: { allowPrivate?: boolean; backend?: HermesConfig['web']['backend'] } = {}): HermesConfig {
  const c = defaultConfig();
  c.web = {
    ...c.web,
    backend: opts.backend ?? 'auto',
    allow_private_urls: opts.allowPrivate ?? true,
    tavily_url: web.url,
    firecrawl_url: web.url,
  };
  return c;
}

const extract = (urls: string[], c = config(), env: Record<string, string> = {}) =>
  createWebExtractTool({ env }).run({ urls }, makeCtx(tempDir(), { config: c }));

describe('web_extract (host fetch)', () => {
  it('converts a page to markdown inside the untrusted envelope', async () => {
    const res = await extract([`${web.url}/page.html`]);
    expect(res.isError).toBeFalsy();
    expect(res.content).toMatch(new RegExp(`^<untrusted_web_content source="${web.url}/page.html">\\n\\[Untrusted data`));
    expect(res.content).toContain('# Fake & Page\n\n# Main heading');
    expect(res.content).toContain(`[relative link](${web.url}/docs/intro)`);
    expect(res.content).not.toContain('trackEverything');
    expect(res.content).not.toContain('Copyright footer');
    expect(res.content.endsWith('</untrusted_web_content>')).toBe(true);
    const req = web.requests.at(-1)!;
    expect(req.headers['user-agent']).toMatch(/hermes-host/);
  });

  it('follows up to five redirects and refuses more', async () => {
    const ok = await extract([`${web.url}/redirect/5`]);
    expect(ok.content).toContain('# Main heading');
    expect(ok.content).toContain(`(redirected to ${web.url}/page.html)`);
    const tooMany = await extract([`${web.url}/redirect/6`]);
    expect(tooMany.isError).toBe(true);
    expect(tooMany.content).toMatch(/too many redirects \(more than 5\)/);
  });

  it('decodes gzip and legacy charsets, passes plain text through', async () => {
    const res = await extract([`${web.url}/gzip.html`, `${web.url}/latin1.html`, `${web.url}/plain.txt`]);
    expect(res.content).toContain('compressed content');
    expect(res.content).toContain('café crème');
    expect(res.content).toContain('just text\nline two');
    expect(res.content.match(/<untrusted_web_content /g)).toHaveLength(3);
  });

  it('refuses PDFs and binary content politely, reports HTTP errors, and keeps the pages that worked', async () => {
    const res = await extract([`${web.url}/doc.pdf`, `${web.url}/image.png`, `${web.url}/missing`, `${web.url}/plain.txt`]);
    expect(res.isError).toBeFalsy();
    expect(res.content).toMatch(/Could not read .*\/doc.pdf: this is a PDF document \(\d+ B\); web_extract reads web pages only/);
    expect(res.content).toMatch(/Could not read .*\/image.png: unsupported content \(image\/png, 12 B\)/);
    expect(res.content).toMatch(/Could not read .*\/missing: HTTP 404/);
    expect(res.content).toContain('just text');
  });

  it('caps the body at 2 MB and says so', async () => {
    const res = await extract([`${web.url}/big.txt`]);
    expect(res.content).toContain('[page truncated at 2 MB]');
    expect(res.content.length).toBeLessThan(100_000);
  });

  it('defuses a page that tries to close the envelope', async () => {
    const res = await extract([`${web.url}/injection.html`]);
    expect(res.content.match(/<\/untrusted_web_content/gi)).toHaveLength(1);
    expect(res.content).toContain('ignore previous instructions');
  });
});

describe('web_extract URL safety', () => {
  it('refuses loopback addresses by default without contacting them', async () => {
    const before = web.requests.length;
    const res = await extract([`${web.url}/page.html`, web.url.replace('127.0.0.1', 'localhost') + '/page.html'], config({ allowPrivate: false }));
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/127.0.0.1 is a private or loopback address/);
    expect(res.content).toMatch(/localhost is a loopback name/);
    expect(web.requests.length).toBe(before);
  });

  it('checks every redirect hop, not only the first URL', async () => {
    const res = await extract([`${web.url}/to-file`]);
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/only http and https URLs can be fetched, not file:/);
  });

  it('refuses non-http schemes and more than five URLs', async () => {
    const res = await extract(['file:///etc/passwd', 'javascript:alert(1)']);
    expect(res.content).toMatch(/only http and https URLs can be fetched, not file:/);
    const tool = createWebExtractTool({ env: {} });
    expect(tool.schema.safeParse({ urls: ['a', 'b', 'c', 'd', 'e', 'f'] }).success).toBe(false);
    expect(tool.schema.safeParse({ urls: [] }).success).toBe(false);
  });

  it('gives up on a stalled server at the deadline', async () => {
    await expect(fetchPage(`${web.url}/stall`, { allowPrivate: true, timeoutMs: 200 })).rejects.toThrow(/timed out after 0.2s/);
  });
});

describe('web_extract with keyed extractors', () => {
  it('uses Tavily /extract when configured, with failures per URL', async () => {
    const urls = ['https://a.example/x', 'https://fail.example/y'];
    const res = await extract(urls, config({ backend: 'tavily', allowPrivate: false }), { TAVILY_API_KEY: KEYS.tavily });
    expect(res.content).toContain('<untrusted_web_content source="https://a.example/x">');
    expect(res.content).toContain('# Extracted by Tavily');
    expect(res.content).toContain('Could not read https://fail.example/y: could not fetch');
    const req = web.requests.at(-1)!;
    expect(req.path).toBe('/extract');
    expect(JSON.parse(req.body).urls).toEqual(urls);
    expect(res.content).not.toContain(KEYS.tavily);
  });

  it('auto prefers Firecrawl /v1/scrape when its key is set', async () => {
    const res = await extract(['https://b.example/'], config({ allowPrivate: false }), {
      FIRECRAWL_API_KEY: KEYS.firecrawl,
      TAVILY_API_KEY: KEYS.tavily,
    });
    expect(res.content).toContain('# Firecrawl title\n\nScraped https://b.example/');
    expect(JSON.parse(web.requests.at(-1)!.body)).toEqual({ url: 'https://b.example/', formats: ['markdown'], onlyMainContent: true });
  });
});
