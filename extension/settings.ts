// VS Code settings. Those that describe the agent (provider, endpoint, model, terminal backend, approval mode) live
// in the host's config.yaml — the host is the source of truth — so a change the user makes here is written there
// with `config/write`; an empty value means "leave the host's setting alone". Those that describe how to reach the
// host (Node binary, socket, HERMES_HOME) need a new connection.

/** `hermes.<setting>` → dotted config.yaml key. */
export const HOST_SETTINGS = {
  provider: 'model.provider',
  baseUrl: 'model.base_url',
  model: 'model.default',
  terminalBackend: 'terminal.backend',
  approvalMode: 'approvals.mode',
} as const;
export type HostSetting = keyof typeof HOST_SETTINGS;

/** Settings whose change restarts the connection. */
export const CONNECTION_SETTINGS = ['nodePath', 'host.attach', 'hermesHome', 'profile'] as const;

export interface ConfigWrite {
  setting: HostSetting;
  key: string;
  value: unknown;
}

/**
 * The config/write calls for a settings change. `affects(s)` answers whether `hermes.<s>` changed, `get(s)` gives
 * its new value.
 */
export function configWritesFor(affects: (setting: string) => boolean, get: (setting: string) => unknown): ConfigWrite[] {
  const out: ConfigWrite[] = [];
  for (const [setting, key] of Object.entries(HOST_SETTINGS) as [HostSetting, string][]) {
    if (!affects(setting)) continue;
    const value = get(setting);
    if (value === undefined || value === null || value === '') continue;
    out.push({ setting, key, value: typeof value === 'string' ? value.trim() : value });
  }
  return out;
}

export function connectionChanged(affects: (setting: string) => boolean): boolean {
  return CONNECTION_SETTINGS.some((s) => affects(s));
}

export interface SettingsChangeDeps {
  get(setting: string): unknown;
  /** `config/write` on the host. */
  write(key: string, value: unknown): Promise<unknown>;
  restart(): Promise<void> | void;
  applied(w: ConfigWrite): void;
  failed(w: ConfigWrite, error: Error): void;
}

/** Handles one `onDidChangeConfiguration` event: reconnect, or write the changed agent settings to the host. */
export async function applySettingsChange(affects: (setting: string) => boolean, d: SettingsChangeDeps): Promise<void> {
  if (connectionChanged(affects)) {
    await d.restart();
    return;
  }
  await Promise.all(
    configWritesFor(affects, d.get).map((w) =>
      d.write(w.key, w.value).then(
        () => d.applied(w),
        (e) => d.failed(w, e as Error),
      ),
    ),
  );
}
