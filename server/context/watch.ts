// Notices when the context in effect changes on disk (feeds `context/changed`). fs.watch is not recursive on every
// platform, so each directory that holds or could hold a context file is watched on its own, and the set is
// re-armed after every event: a new `.cursor/rules` folder or a re-created level folder gets a watcher of its own.
import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { agentsLevels, AGENTS_FILE_NAMES, CLAUDE_FILE_NAMES, HERMES_MD_NAMES, CURSORRULES_FILE_NAME, CURSOR_RULES_DIR, discoverContext, resolveParams, SOUL_FILE_NAME } from './discover';
import type { ContextParams, ContextReport, Disposable } from './types';

export interface WatchOptions {
  /** Quiet time before a burst of events is reported; default 100 ms. */
  debounceMs?: number;
}

interface Armed {
  watcher: FSWatcher;
  ino: number;
}

function inodeOfDir(p: string): number | undefined {
  try {
    const st = statSync(p);
    return st.isDirectory() ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

function fingerprint(report: ContextReport): string {
  return JSON.stringify([report.files.map((f) => [f.kind, f.path, f.content, f.warnings]), report.warnings]);
}

/**
 * Calls `onChange` with the new report when the context in effect changes (a file created, edited, deleted or
 * renamed). Events that leave the report identical (a save without edits) are not reported.
 */
export function watchContext(
  params: ContextParams,
  onChange: (report: ContextReport) => void,
  options: WatchOptions = {},
): Disposable {
  const debounceMs = options.debounceMs ?? 100;
  const r = resolveParams(params);
  const levels = agentsLevels(r.root, r.cwd);
  const dirs = [...new Set([...levels, r.root, join(r.root, '.cursor'), join(r.root, CURSOR_RULES_DIR), r.hermesHome])];
  // Names whose appearance or change in a watched folder can alter the report.
  const relevant = new Set<string>([
    ...AGENTS_FILE_NAMES,
    ...HERMES_MD_NAMES,
    ...CLAUDE_FILE_NAMES,
    SOUL_FILE_NAME,
    CURSORRULES_FILE_NAME,
    '.cursor',
    'rules',
    ...levels.map((d) => basename(d)),
  ]);
  const armed = new Map<string, Armed>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  let last = fingerprint(discoverContext(params));

  const disarm = (dir: string) => {
    armed.get(dir)?.watcher.close();
    armed.delete(dir);
  };

  const arm = () => {
    for (const dir of dirs) {
      const ino = inodeOfDir(dir);
      const cur = armed.get(dir);
      if (cur && cur.ino === ino) continue;
      if (cur) disarm(dir);
      if (ino === undefined) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(name));
        // A watched folder that is deleted ends its watcher; the parent's event re-arms it if it comes back.
        watcher.on('error', () => disarm(dir));
        armed.set(dir, { watcher, ino });
      } catch {
        // Vanished between stat and watch: its parent's watcher will see it return.
      }
    }
  };

  const fire = () => {
    timer = undefined;
    if (disposed) return;
    arm();
    const report = discoverContext(params);
    const fp = fingerprint(report);
    if (fp === last) return;
    last = fp;
    onChange(report);
  };

  function onEvent(name: string | Buffer | null) {
    if (disposed) return;
    const file = name == null ? null : String(name);
    if (file !== null && !relevant.has(file) && !file.endsWith('.mdc')) return;
    arm();
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  }

  arm();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      for (const dir of [...armed.keys()]) disarm(dir);
    },
  };
}
