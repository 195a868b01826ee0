// Skills as the running host uses them: the library over HERMES_HOME/skills (seeded from the bundled ones at start),
// the listing the model and the editor see, `/skill args` expansion, and `skills/changed` when files change.
import { RESERVED_COMMANDS } from '../commands/registry';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import type { HermesConfig } from '../config/schema';
import type { HostEvents } from '../agent/events';
import type { Logger } from '../util/log';
import { SkillLibrary, type SkillListing } from './library';
import { seedBundledSkills, type SeedResult } from './seed';
import { buildSkillCommands, buildSkillInvocationMessage, parseSlashCommand } from './commands';
import { viewSkill, type SkillView } from './view';

/** Bundled skills ship in the package's skills/ folder (dist/server/ → ../../skills); HERMES_BUNDLED_SKILLS overrides. */
export function bundledSkillsDir(): string {
  return process.env.HERMES_BUNDLED_SKILLS || resolve(__dirname, '../../skills');
}

/** Commands the clients handle themselves; a skill cannot take them. */
/** Names skills cannot take: the host's commands (server/commands) and the chat gateway's own. */
export const BUILTIN_COMMANDS = [...RESERVED_COMMANDS, 'sethome', 'approve', 'deny', 'link'];

export interface SkillsServiceDeps {
  skillsDir: string;
  hermesHome: string;
  bundledDir: string;
  config: () => HermesConfig;
  env: () => Record<string, string | undefined>;
  events: HostEvents;
  log: Logger;
  /** Toolsets and tools offered to the model, for a skill's requires/fallback conditions. */
  activeTools: () => { toolsets: string[]; tools: string[] };
}

export class SkillsService {
  readonly library: SkillLibrary;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private seeded = false;

  constructor(private readonly deps: SkillsServiceDeps) {
    this.library = new SkillLibrary(deps.skillsDir, { externalDirs: deps.config().skills.external_dirs });
  }

  /**
   * Seeds and starts watching right after start-up rather than during it: an editor's `initialize` reply should not
   * wait for SKILL.md parsing. Anything that needs the skills before then seeds on the spot.
   */
  startSoon(): void {
    // A quarter second is after a client's handshake; anything that needs skills earlier seeds on the spot.
    const t = setTimeout(() => {
      this.ensureSeeded();
      this.watch();
    }, 250);
    t.unref();
  }

  private ensureSeeded(): void {
    if (this.seeded) return;
    this.seeded = true;
    try {
      this.seed();
    } catch (e) {
      this.deps.log.warn('seeding bundled skills failed', { error: (e as Error).message });
    }
  }

  /** Copies new bundled skills into HERMES_HOME/skills; never overwrites a user's edit. */
  seed(): SeedResult | null {
    if (!existsSync(this.deps.bundledDir)) return null;
    const r = seedBundledSkills({ bundledDir: this.deps.bundledDir, skillsDir: this.deps.skillsDir, hermesHome: this.deps.hermesHome });
    if (r.added.length || r.updated.length) this.deps.log.info('bundled skills seeded', { added: r.added, updated: r.updated });
    for (const e of r.errors) this.deps.log.warn('bundled skill not seeded', { error: e });
    return r;
  }

  list(opts: { category?: string } = {}): SkillListing {
    this.ensureSeeded();
    const { toolsets, tools } = this.deps.activeTools();
    return this.library.list({ category: opts.category, env: this.deps.env(), toolsets, tools });
  }

  view(name: string, filePath?: string, sessionId?: string) {
    this.ensureSeeded();
    return viewSkill(this.library, name, filePath, { env: this.deps.env(), sessionId });
  }

  /** `/skill-name args` → the message that loads the skill into the turn; other text is returned unchanged. */
  /** Every skill usable as a slash command (`/name`), for menus and `/help`. */
  commands(): { command: string; name: string; description: string }[] {
    return buildSkillCommands(this.list().skills, BUILTIN_COMMANDS).commands;
  }

  expandSlash(text: string, threadId?: string): string {
    const cmd = parseSlashCommand(text);
    if (!cmd || BUILTIN_COMMANDS.includes(cmd.command)) return text;
    const listing = this.list();
    const { commands } = buildSkillCommands(listing.skills, BUILTIN_COMMANDS);
    const hit = commands.find((c) => c.command === cmd.command);
    if (!hit) return text;
    try {
      const v = this.view(hit.name, undefined, threadId) as SkillView;
      const linked = Object.values(v.linkedFiles).flat();
      return buildSkillInvocationMessage({ name: v.name, body: v.body, dir: v.dir, linkedFiles: linked, missingEnv: v.missingEnv }, cmd.args);
    } catch (e) {
      this.deps.log.warn('slash command could not load its skill', { command: cmd.command, error: (e as Error).message });
      return text;
    }
  }

  /** Watches the skills folder and tells clients when the listing changed. */
  watch(): void {
    if (this.watcher || !existsSync(this.deps.skillsDir)) return;
    try {
      this.watcher = watch(resolve(this.deps.skillsDir), { recursive: true }, (_e, file) => {
        if (file && /(^|\/)\.hub(\/|$)/.test(String(file))) return; // quarantine churn is not a listing change
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.library.invalidate();
          this.deps.events.emit('skills/changed', {});
        }, 150);
      });
    } catch (e) {
      this.deps.log.warn('cannot watch the skills folder', { error: (e as Error).message });
    }
  }

  changed(): void {
    this.library.invalidate();
    this.deps.events.emit('skills/changed', {});
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
  }
}
