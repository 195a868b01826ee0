// Web backends: a search backend turns a query into results; an extract backend turns URLs into markdown. A
// backend gets its API key from the env map it was built with and never puts it in a result or an error.

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

export interface SearchResponse {
  results: SearchResult[];
  /** What to name as the source in the untrusted envelope (the request URL, without credentials). */
  source: string;
}

export interface SearchBackend {
  name: string;
  search(query: string, limit: number, signal?: AbortSignal): Promise<SearchResponse>;
}

export interface ExtractedPage {
  url: string;
  title?: string;
  /** Markdown; absent when `error` is set. */
  content?: string;
  error?: string;
}

export interface ExtractBackend {
  name: string;
  extract(urls: string[], signal?: AbortSignal): Promise<ExtractedPage[]>;
}

export type EnvMap = Record<string, string | undefined>;
/** The host's environment (process env + HERMES_HOME/.env), read at call time so a new key takes effect. */
export type EnvSource = EnvMap | (() => EnvMap);

export const readEnv = (src: EnvSource): EnvMap => (typeof src === 'function' ? src() : src);
