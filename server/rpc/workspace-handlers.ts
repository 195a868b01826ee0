// Handlers for what the editor shows: the context files in effect, memory files, and watching them.
import type { Host } from '../host';
import { discoverContext, flagSoulOverride, isWorkspaceTrusted, watchContext, type Disposable } from '../context';
import { MemoryStore, memoriesDir, MEMORY_TARGETS } from '../memory';
import type { Handlers } from './connection';
import { skillCommandName } from '../skills';
import { ProvenanceIndex } from '../skills/provenance';
import { readLock } from '../skills/hub/lock';
import { dirname, join } from 'node:path';
import { HostError } from '../util/errors';

/** One watcher per workspace root a client opened; `context/changed` tells every client to re-read. */
export class ContextWatchers {
  private readonly watchers = new Map<string, Disposable>();

  constructor(private readonly host: Host) {
    host.onClose(() => this.closeAll());
  }

  ensure(root: string): void {
    if (this.watchers.has(root)) return;
    try {
      const w = watchContext({ workspaceRoot: root, hermesHome: this.host.hermesHome }, () =>
        this.host.events.emit('context/changed', { workspaceRoot: root }),
      );
      this.watchers.set(root, w);
    } catch (e) {
      this.host.log.warn('cannot watch context files', { root, error: (e as Error).message });
    }
  }

  closeAll(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
  }
}

export function workspaceHandlers(
  host: Host,
  rootOf: (client: unknown) => string,
): Pick<Handlers, 'context/read' | 'skills/list' | 'skills/read' | 'secret/set' | 'memory/read'> {
  return {
    'context/read': (p, client) => {
      const root = rootOf(client);
      const r = discoverContext({
        workspaceRoot: root,
        cwd: p.cwd,
        hermesHome: host.hermesHome,
        maxChars: host.config.context_file_max_chars,
        workspaceTrusted: isWorkspaceTrusted(root),
      });
      flagSoulOverride(r, (m, f) => host.log.warn(m, f));
      return {
        workspaceRoot: r.workspaceRoot,
        cwd: r.cwd,
        maxChars: r.maxChars,
        soulLevel: r.soulLevel,
        workspaceTrusted: r.workspaceTrusted,
        files: r.files.map((f) => ({
          kind: f.kind,
          path: f.path,
          relPath: f.relPath,
          size: f.size,
          truncated: f.truncated,
          keptChars: f.keptChars,
          warnings: f.warnings,
        })),
        warnings: r.warnings,
      };
    },
    'skills/list': (p) => {
      const l = host.skills.list({ category: p.category });
      const prov = new ProvenanceIndex(host.paths.skills, readLock(join(host.paths.skills, '.hub', 'lock.json')));
      const KIND = { hub: 'hub', bundled: 'builtin', local: 'local' } as const;
      const sourceOf = (name: string, file: string) => KIND[prov.of(name, dirname(file), { verify: false }).kind];
      return {
        skills: l.skills.map((s) => ({
          name: s.name,
          description: s.description,
          ...(s.category ? { category: s.category } : {}),
          path: s.path,
          command: `/${skillCommandName(s.name)}`,
          missingEnv: s.missingEnv,
          setupNeeded: s.setupNeeded,
          source: sourceOf(s.name, s.path),
        })),
        errors: l.errors.map((e) => ({ path: e.path, reason: e.reason })),
      };
    },
    'skills/read': (p) => {
      try {
        const v = host.skills.view(p.name, p.filePath);
        if (v.kind === 'file') return { name: v.name, path: v.path, content: v.content ?? '', linkedFiles: {} };
        return { name: v.name, path: v.path, content: v.content, linkedFiles: v.linkedFiles };
      } catch (e) {
        throw new HostError('NotFound', (e as Error).message);
      }
    },
    'secret/set': (p) => {
      host.setSecret(p.name, p.value);
      host.skills.changed();
      return {};
    },
    'memory/read': () => {
      const m = host.config.memory;
      const store = new MemoryStore(memoriesDir(host.hermesHome), { memory: m.memory_char_limit, user: m.user_char_limit });
      return {
        files: MEMORY_TARGETS.map((target) => {
          const r = store.read(target);
          return {
            target,
            path: store.filePath(target),
            enabled: target === 'memory' ? m.memory_enabled : m.user_profile_enabled,
            entries: r.entries,
            chars: r.entries.join('\n§\n').length,
            limit: target === 'memory' ? m.memory_char_limit : m.user_char_limit,
            usage: r.usage,
          };
        }),
      };
    },
  };
}
