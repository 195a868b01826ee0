export { discoverContext, agentsLevels, stripFrontmatter, AGENTS_FILE_NAMES, SOUL_FILE_NAME } from './discover';
export { renderContextForPrompt, renderIdentity } from './render';
export { watchContext, type WatchOptions } from './watch';
export { truncateContext, truncationMarker, DEFAULT_CONTEXT_MAX_CHARS, type Truncation } from './truncate';
export { scanForInjection, describeFindings, type InjectionFinding } from './injection';
export { DEFAULT_SOUL, SOUL_MD_TEMPLATE, AGENTS_MD_TEMPLATE } from './templates';
export type { ContextParams, ContextFile, ContextFileKind, ContextReport, Disposable } from './types';
export { flagSoulOverride, isWorkspaceTrusted, setWorkspaceTrusted } from './trust';
