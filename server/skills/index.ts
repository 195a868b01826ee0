// Public API of the skills library; the tool, RPC and CLI layers import from here.
export { SkillError, type SkillErrorCode } from './errors';
export {
  parseSkillMarkdown,
  parseCategoryDescription,
  toPlatform,
  SkillFormatError,
  type SkillFrontmatter,
  type EnvVarSpec,
  type ParsedSkillFile,
  type Platform,
  type FormatIssue,
} from './frontmatter';
export {
  SkillLibrary,
  missingEnvVars,
  SKILL_FILE,
  CATEGORY_FILE,
  type LoadedSkill,
  type LoadError,
  type SkillSummary,
  type SkillListing,
  type CategoryInfo,
  type ScanResult,
  type SkillLibraryOptions,
} from './library';
export { hiddenReason, filterSkills, type ListOptions, type HiddenSkill } from './filter';
export { viewSkill, listLinkedFiles, expandTemplateVars, type SkillView, type SkillFileView, type LinkedFiles, type ViewOptions } from './view';
export {
  createSkill,
  patchSkill,
  editSkill,
  deleteSkill,
  writeSkillFile,
  removeSkillFile,
  MAX_SKILL_MD_CHARS,
  MAX_SUPPORT_FILE_BYTES,
  type ManageContext,
  type ManageResult,
  type ManageAction,
} from './manage';
export { replaceOnce } from './patch-match';
export { seedBundledSkills, readManifest, BUNDLED_MANIFEST, NO_BUNDLED_MARKER, type SeedOptions, type SeedResult } from './seed';
export {
  scanSkillDir,
  scanFiles,
  scanText,
  verdictOf,
  formatFindings,
  THREAT_PATTERNS,
  STRUCTURE_LIMITS,
  type ScanReport,
  type ScanFinding,
  type Verdict,
  type Severity,
  type ThreatCategory,
  type ThreatPattern,
} from './scanner';
export {
  SkillHub,
  DEFAULT_TRUSTED_SOURCES,
  parseSource,
  type SkillHubOptions,
  type SkillInspection,
  type InstallOptions,
  type InstallResult,
  type HubListEntry,
  type AuditEntry,
  type UpdateResult,
  type TrustLevel,
  type PolicyDecision,
  type SourceSpec,
  type LockEntry,
  type HubLock,
  type AuditRecord,
} from './hub';
export {
  skillCommandName,
  buildSkillCommands,
  parseSlashCommand,
  buildSkillInvocationMessage,
  extractUserInstruction,
  type SkillCommand,
  type InvokedSkill,
} from './commands';
export { SKILL_NAME_RE, SUPPORT_DIRS, type SupportDir } from './paths';
export { withoutCredentials } from './hub/source';
