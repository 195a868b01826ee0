// Both memory files rendered for the system prompt at session start (see render.ts for the block format).
import { MemoryStore, type MemoryLimits } from './store';

/** Both memory blocks for the system prompt, MEMORY first; '' when both files are empty. */
export function snapshotBlock(dir: string, limits: Partial<MemoryLimits> = {}): string {
  const store = new MemoryStore(dir, limits);
  return [store.snapshot('memory'), store.snapshot('user')].filter(Boolean).join('\n\n');
}
