// Which backend serves web_search and web_extract. `web.backend: auto` takes the first keyed API that has a key,
// then a configured SearXNG instance, then keyless DuckDuckGo. Extraction uses a keyed extractor (Firecrawl,
// Tavily) when one is chosen or configured, else the host fetches the page itself.
import type { HermesConfig } from '../../../config/schema';
import type { EnvMap, ExtractBackend, SearchBackend } from '../types';
import { braveBackend } from './brave';
import { duckDuckGoBackend } from './duckduckgo';
import { firecrawlBackend } from './firecrawl';
import { searxngBackend } from './searxng';
import { tavilyBackend } from './tavily';

export const WEB_KEYS = {
  firecrawl: 'FIRECRAWL_API_KEY',
  tavily: 'TAVILY_API_KEY',
  brave: 'BRAVE_SEARCH_API_KEY',
} as const;

type Keyed = keyof typeof WEB_KEYS;
const KEYED_ORDER: Keyed[] = ['firecrawl', 'tavily', 'brave'];

const keyOf = (env: EnvMap, name: Keyed) => env[WEB_KEYS[name]]?.trim() || undefined;

function keyedBackend(web: HermesConfig['web'], name: Keyed, key: string): SearchBackend {
  if (name === 'firecrawl') return firecrawlBackend(web.firecrawl_url, key);
  if (name === 'tavily') return tavilyBackend(web.tavily_url, key);
  return braveBackend(web.brave_url, key);
}

/** The search backend, or why there is none. */
export function chooseSearchBackend(config: HermesConfig, env: EnvMap): SearchBackend | { unavailable: string } {
  const web = config.web;
  const choice = web.backend;
  if (choice === 'duckduckgo') return duckDuckGoBackend(web.duckduckgo_url);
  if (choice === 'searxng') {
    return web.searxng_url ? searxngBackend(web.searxng_url) : { unavailable: 'web.backend is searxng but web.searxng_url is not set' };
  }
  if (choice !== 'auto') {
    const key = keyOf(env, choice);
    return key ? keyedBackend(web, choice, key) : { unavailable: `web.backend is ${choice} but ${WEB_KEYS[choice]} is not set` };
  }
  for (const name of KEYED_ORDER) {
    const key = keyOf(env, name);
    if (key) return keyedBackend(web, name, key);
  }
  if (web.searxng_url) return searxngBackend(web.searxng_url);
  return duckDuckGoBackend(web.duckduckgo_url);
}

/** A keyed extractor, or null when the host should fetch pages itself. */
export function chooseExtractor(config: HermesConfig, env: EnvMap): ExtractBackend | null {
  const web = config.web;
  const candidates: ('firecrawl' | 'tavily')[] =
    web.backend === 'firecrawl' || web.backend === 'tavily' ? [web.backend] : web.backend === 'auto' ? ['firecrawl', 'tavily'] : [];
  for (const name of candidates) {
    const key = keyOf(env, name);
    if (key) return name === 'firecrawl' ? firecrawlBackend(web.firecrawl_url, key) : tavilyBackend(web.tavily_url, key);
  }
  return null;
}
