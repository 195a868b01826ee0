// What the editor shows about the agent's context: context files in effect, memory, skills.
import { z } from 'zod';

export const ContextFileInfo = z.object({
  kind: z.enum(['soul', 'hermes-md', 'agents', 'claude-md', 'cursorrules', 'cursor-rule']),
  path: z.string(),
  relPath: z.string(),
  /** Characters in the file. */
  size: z.number().int(),
  truncated: z.boolean(),
  keptChars: z.number().int(),
  warnings: z.array(z.string()),
});
export const ContextReadParams = z.object({ cwd: z.string().optional() });
export const ContextReadResult = z.object({
  workspaceRoot: z.string(),
  cwd: z.string(),
  maxChars: z.number().int(),
  /** Which SOUL.md is the identity: the workspace's, HERMES_HOME's, or the built-in default. */
  soulLevel: z.enum(['workspace', 'hermes-home', 'default']),
  /** false when the editor reported the workspace as untrusted; then nothing from it is loaded. */
  workspaceTrusted: z.boolean(),
  files: z.array(ContextFileInfo),
  warnings: z.array(z.string()),
});
export const ContextChangedNotification = z.object({ workspaceRoot: z.string() });

export const MemoryFileInfo = z.object({
  target: z.enum(['memory', 'user']),
  path: z.string(),
  enabled: z.boolean(),
  entries: z.array(z.string()),
  chars: z.number().int(),
  limit: z.number().int(),
  /** e.g. `63% — 1,386/2,200` */
  usage: z.string(),
});
export const MemoryReadResult = z.object({ files: z.array(MemoryFileInfo) });

export const SkillInfo = z.object({
  name: z.string(),
  description: z.string(),
  category: z.string().optional(),
  path: z.string(),
  /** The slash command that loads it, e.g. `/code-review`. */
  command: z.string(),
  /** Required environment variables that are not set. */
  missingEnv: z.array(z.string()),
  setupNeeded: z.boolean(),
  source: z.enum(['builtin', 'hub', 'local', 'agent']).optional(),
});
export const SkillsListParams = z.object({ category: z.string().optional() });
export const SkillsListResult = z.object({
  skills: z.array(SkillInfo),
  errors: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export const SkillsReadParams = z.object({ name: z.string().min(1), filePath: z.string().optional() });
export const SkillsReadResult = z.object({
  name: z.string(),
  path: z.string(),
  content: z.string(),
  linkedFiles: z.record(z.string(), z.array(z.string())),
});
export const SkillsChangedNotification = z.object({});

/** Host → client: ask the user for a secret a skill needs. The value goes to HERMES_HOME/.env, never to the model. */
export const SecretRequestParams = z.object({
  requestId: z.string(),
  name: z.string(),
  prompt: z.string(),
  help: z.string().optional(),
  skill: z.string().optional(),
  threadId: z.string().optional(),
  expiresAt: z.number().optional(),
});
export const SecretRequestResult = z.object({ value: z.string().optional(), cancelled: z.boolean().optional() });

/** Client → host: store a secret the user typed (e.g. from a skill's setup prompt) in HERMES_HOME/.env. */
export const SecretSetParams = z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), value: z.string().min(1) });
