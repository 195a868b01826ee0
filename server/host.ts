// The composition root: builds the store, config, event stream, client hub, tools and thread service that make up
// one running host. Every surface (stdio, socket, the chat command) drives a Host.
import { resolve } from 'node:path';
import { ensureHome, homePaths } from './config/home';
import { loadDotEnv } from './config/env';
import { appendConfigList, loadConfig, setConfigValue, type LoadedConfig } from './config/load';
import type { HermesConfig } from './config/schema';
import { withTerminalEnv } from './config/terminal-env';
import { openStore, type Store } from './store';
import { adoptLegacyDatabase } from './store/legacy';
import { importHermesIfChanged } from './store/hermes-import';
import { HostEvents } from './agent/events';
import { PromptBuilder, environmentSection, operatingGuidance } from './agent/prompt';
import { contextSections } from './agent/context-sections';
import { guidanceSections } from './agent/guidance-sections';
import type { SkillsService } from './skills/service';
import { setDotEnvValue } from './config/env';
import { ThreadService } from './agent/threads';
import { ToolRunner } from './agent/tool-runner';
import { ToolRegistry } from './tools/registry';
import { installTools } from './tools';
import { ClientHub } from './rpc/hub';
import { addSecretsFromEnv, addSecretValue } from './util/redact';
import { publicConfig } from './config/public';
import { takeCredentials } from './sandbox/env-scrub';
import { createLogger, type Logger } from './util/log';
import type { SandboxManager } from './sandbox/types';
import type { ApprovalBroker } from './approval/gate';
import type { OwnerLock } from './owner/lock';
import { watchConfig } from './config/watch';

export interface HostOptions {
  hermesHome: string;
  log?: Logger;
  /** Defaults to the process's working directory. */
  workspaceRoot?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The ownership lock of HERMES_HOME (server/owner/lock.ts). Only the owner closes turns a previous host left
   * running and releases the lock on close; a Host without one (benchmarks) leaves the database's turns alone.
   */
  owner?: OwnerLock;
}

export class Host {
  readonly hermesHome: string;
  readonly paths: ReturnType<typeof homePaths>;
  readonly log: Logger;
  readonly events = new HostEvents();
  readonly hub: ClientHub;
  readonly store: Store;
  readonly registry = new ToolRegistry();
  readonly prompt = new PromptBuilder();
  readonly threads: ThreadService;
  /** Set by installTools. */
  sandboxes!: SandboxManager;
  approvals!: ApprovalBroker;
  skills!: SkillsService;
  private loaded: LoadedConfig;
  private effective?: { loaded: LoadedConfig; dotenv: Record<string, string>; config: HermesConfig };
  private readonly warned = new Set<string>();
  private dotenv: Record<string, string>;
  private clientSecrets: Record<string, string> = {};
  private readonly baseEnv: NodeJS.ProcessEnv;
  private workspace: string;
  private readonly disposers: (() => void | Promise<void>)[] = [];
  private readonly historyImport: Promise<void>;

  constructor(opts: HostOptions) {
    this.hermesHome = resolve(opts.hermesHome);
    ensureHome(this.hermesHome);
    this.paths = homePaths(this.hermesHome);
    // Config first: a bad config.yaml stops the host before it touches anything else.
    this.loaded = loadConfig(this.paths.config);
    this.log = opts.log ?? createLogger({ file: this.paths.log, stderr: false, level: this.loaded.config.logging.level });
    for (const w of this.loaded.warnings) this.log.warn(w);
    for (const n of this.loaded.notes) this.log.info(n);
    // The real process environment: keys move into memory and out of process.env, where every child would inherit them.
    this.baseEnv = opts.env ?? takeCredentials(process.env);
    this.dotenv = loadDotEnv(this.paths.env);
    for (const k of ['OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'ANTHROPIC_API_KEY']) addSecretValue(this.baseEnv[k]);
    addSecretsFromEnv(this.baseEnv);
    this.workspace = resolve(opts.workspaceRoot ?? process.cwd());
    if (adoptLegacyDatabase(this.paths.hermesStateDb, this.paths.db)) {
      this.log.info(`moved this host's earlier database ${this.paths.hermesStateDb} to ${this.paths.db}`);
    }
    this.store = openStore(this.paths.db, { checkpointInWorker: { onError: (m) => this.log.warn(m) } });
    // Hermes's history comes in batch by batch while the host already serves (a small one is in before the first
    // request is read); close() waits for it. History import is a convenience: a failure is logged, not fatal.
    this.historyImport = importHermesIfChanged(this.store.db, this.paths.hermesStateDb).then(
      (imported) => {
        if (imported && (imported.sessionsAdded || imported.messagesAdded)) {
          this.log.info(`imported from Hermes's state.db: ${imported.sessionsAdded} new session(s), ${imported.messagesAdded} message(s)`);
        }
      },
      (e) => this.log.warn(`could not import sessions from ${this.paths.hermesStateDb}`, { error: (e as Error).message }),
    );
    this.owner = opts.owner;
    if (this.owner) {
      // Only the owner may decide that a turn in the database is orphaned: nobody else runs turns on this home.
      const orphaned = this.store.threads.closeOrphanedTurns();
      if (orphaned) this.log.info(`closed ${orphaned} turn(s) left running by a previous host`);
    }
    this.hub = new ClientHub(this.events, this.log.child('rpc'));
    this.prompt.add(operatingGuidance);
    this.prompt.add(environmentSection);
    for (const s of contextSections(() => this.config, (m, f) => this.log.warn(m, f))) this.prompt.add(s);
    for (const s of guidanceSections(() => this.skills)) this.prompt.add(s);
    const runner = new ToolRunner({
      store: this.store,
      events: this.events,
      clients: this.hub,
      hermesHome: this.hermesHome,
      resultsDir: this.paths.results,
      log: this.log.child('tools'),
    });
    this.threads = new ThreadService({
      store: this.store,
      events: this.events,
      registry: this.registry,
      runner,
      prompt: this.prompt,
      hermesHome: this.hermesHome,
      config: () => this.config,
      env: () => this.env(),
      log: this.log.child('agent'),
      workspaceRoot: () => this.workspace,
      expandInput: (text, c) => this.skills?.expandSlash(text, c.threadId) ?? text,
    });
    // Subscriptions follow a compacted thread before clients hear of the move.
    this.threads.onMoved((from, to) => this.hub.moveThread(from, to));
    installTools(this);
    if (this.owner) this.onClose(watchConfig(this.paths.config, () => this.reloadFromDisk(), this.log));
  }

  private readonly owner?: OwnerLock;

  /** This host owns HERMES_HOME (only the owner may settle what a previous host left running). */
  get owns(): boolean {
    return !!this.owner;
  }

  /**
   * config.yaml changed on disk (an editor, or `config set` without a running host): reload it. Keys that only take
   * effect at start are named as needing a restart; an invalid file keeps the previous configuration running.
   */
  reloadFromDisk(): void {
    const before = this.loaded.config;
    try {
      const next = loadConfig(this.paths.config);
      if (JSON.stringify(next.config) === JSON.stringify(before)) return;
      this.loaded = next;
      this.announceConfig(before);
    } catch (e) {
      this.log.warn('config.yaml changed but is invalid; keeping the running configuration', { error: (e as Error).message });
      this.events.emit('config/changed', { config: publicConfig(before), warnings: this.loaded.warnings, restartRequired: [], error: (e as Error).message });
    }
  }

  private announceConfig(before: HermesConfig): void {
    const restartRequired = changedKeys(before, this.loaded.config).filter((k) => RESTART_KEYS.some((r) => k === r || k.startsWith(r + '.')));
    if (restartRequired.length) this.log.warn(`config changed; restart the host for: ${restartRequired.join(', ')}`);
    this.events.emit('config/changed', { config: publicConfig(this.loaded.config), warnings: this.loaded.warnings, restartRequired });
  }

  /** Exits (through `exit`) once no client is attached and no turn runs: an editor-spawned owner outlives its editor
   * only while others still use it. */
  exitWhenIdle(exit: () => void): void {
    const check = () => {
      if (this.hub.count() === 0 && this.threads.running.all().length === 0) {
        clearInterval(timer);
        exit();
      }
    };
    const timer = setInterval(check, 500);
    timer.unref?.();
    check();
  }

  /** config.yaml with Hermes's TERMINAL_* variables (process env, then .env) applied where the file is silent. */
  get config(): HermesConfig {
    const e = this.effective;
    if (e && e.loaded === this.loaded && e.dotenv === this.dotenv) return e.config;
    const r = withTerminalEnv(this.loaded.config, this.loaded.terminalKeys, { ...this.baseEnv, ...this.dotenv });
    for (const w of r.warnings) {
      if (this.warned.has(w)) continue;
      this.warned.add(w);
      this.log.warn(w);
    }
    this.effective = { loaded: this.loaded, dotenv: this.dotenv, config: r.config };
    return r.config;
  }

  get configInfo(): LoadedConfig {
    return this.loaded;
  }

  /** The environment the host started with (credentials included; process.env no longer has them). */
  startEnv(): NodeJS.ProcessEnv {
    return this.baseEnv;
  }

  /** Environment for model endpoints and keyed tools: process env, then .env, then secrets from clients. */
  env(): Record<string, string | undefined> {
    return { ...this.baseEnv, ...this.dotenv, ...this.clientSecrets };
  }

  setClientSecrets(secrets: Record<string, string>): void {
    for (const v of Object.values(secrets)) addSecretValue(v);
    this.clientSecrets = { ...this.clientSecrets, ...secrets };
  }

  get workspaceRoot(): string {
    return this.workspace;
  }

  setWorkspaceRoot(root: string): void {
    this.workspace = resolve(root);
  }

  reloadEnv(): void {
    this.dotenv = loadDotEnv(this.paths.env);
  }

  /** Stores a secret in HERMES_HOME/.env (0600) and makes it visible to tools at once. It is never logged. */
  setSecret(name: string, value: string): void {
    setDotEnvValue(this.paths.env, name, value);
    this.reloadEnv();
  }

  writeConfig(key: string, value: unknown): LoadedConfig {
    const before = this.loaded.config;
    this.loaded = setConfigValue(this.paths.config, key, value);
    this.announceConfig(before);
    return this.loaded;
  }

  /** An "always" approval: the keys join `command_allowlist` in config.yaml. */
  appendAllowlist(keys: string[]): void {
    for (const k of keys) this.loaded = appendConfigList(this.paths.config, 'command_allowlist', k);
  }

  reloadConfig(): LoadedConfig {
    this.loaded = loadConfig(this.paths.config);
    return this.loaded;
  }

  /** Registers cleanup to run on close (sandboxes, watchers, timers). */
  onClose(fn: () => void | Promise<void>): void {
    this.disposers.push(fn);
  }

  async close(): Promise<void> {
    await this.historyImport;
    await this.threads.shutdown();
    for (const d of this.disposers.reverse()) {
      try {
        await d();
      } catch (e) {
        this.log.warn('cleanup failed', { error: e });
      }
    }
    this.store.close();
    this.owner?.release();
  }
}

/** Settings read once at start (the process, listeners, the store); changing them needs a restart. */
const RESTART_KEYS = ['logging', 'api', 'gateway', 'rpc'];

function changedKeys(a: unknown, b: unknown, prefix = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedKeys((a as any)[k], (b as any)[k], prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}
