// Notices edits of config.yaml made outside the host (an editor, `config set` run while no host was up) so the
// owner reloads them. The folder is watched, not the file: atomic writes replace the file, which ends a file watch.
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../util/log';

export function watchConfig(path: string, onChange: () => void, log: Logger, debounceMs = 150): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dirname(path), (_event, file) => {
      if (file && file.toString() !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', (e) => log.warn('config watch stopped', { error: e.message }));
    watcher.unref();
  } catch (e) {
    log.warn('cannot watch config.yaml for changes; restart the host after editing it', { error: (e as Error).message });
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
