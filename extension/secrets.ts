// Provider API keys live in VS Code's SecretStorage (the OS keychain), never in settings. They reach the host only
// in `initializationOptions.secrets` of the handshake, which the host keeps in memory.
import type * as vscode from 'vscode';
import type { SecretRedactor } from './host/redact';

export const PROVIDERS = [
  { id: 'openrouter', label: 'OpenRouter', env: 'OPENROUTER_API_KEY' },
  { id: 'openai', label: 'OpenAI (or an OpenAI-compatible endpoint)', env: 'OPENAI_API_KEY' },
] as const;
export type ProviderId = (typeof PROVIDERS)[number]['id'];

const storageKey = (env: string) => `hermes.apiKey.${env}`;

export class ApiKeys {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Every stored key by environment variable name, for the handshake. Each value is registered for redaction. */
  async all(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of PROVIDERS) {
      const v = await this.storage.get(storageKey(p.env));
      if (v) {
        this.redactor.add(v);
        out[p.env] = v;
      }
    }
    return out;
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    const p = PROVIDERS.find((x) => x.id === provider);
    if (!p) throw new Error(`unknown provider: ${provider}`);
    const value = key.trim();
    if (!value) throw new Error('the API key is empty');
    this.redactor.add(value);
    await this.storage.store(storageKey(p.env), value);
  }

  async clear(provider: ProviderId): Promise<void> {
    const p = PROVIDERS.find((x) => x.id === provider);
    if (p) await this.storage.delete(storageKey(p.env));
  }

  async has(): Promise<boolean> {
    return Object.keys(await this.all()).length > 0;
  }
}
