export {
  MemoryStore,
  memoriesDir,
  overflowMessage,
  DEFAULT_MEMORY_LIMITS,
  MEMORY_FILES,
  MEMORY_TARGETS,
  type MemoryLimits,
  type MemoryResult,
  type MemoryTarget,
} from './store';
export { snapshotBlock } from './snapshot';
export { renderSnapshot } from './render';
export { parseEntries, joinEntries, formatUsage, ENTRY_DELIMITER } from './entries';
