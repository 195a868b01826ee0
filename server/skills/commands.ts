// Every skill is also a slash command: `/code-review focus on error handling` loads the skill into that turn as a
// user message (not the system prompt, which stays byte-stable for prompt caching).

/** `/` command for a skill name: lowercase, anything outside [a-z0-9-] becomes '-'. */
export function skillCommandName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

export interface SkillCommand {
  /** Without the leading slash. */
  command: string;
  name: string;
  description: string;
}

/**
 * Commands for a list of skills. Built-in commands (`reserved`) win, then the first skill to claim a command;
 * later clashes are reported, not silently dropped.
 */
export function buildSkillCommands(
  skills: { name: string; description: string }[],
  reserved: Iterable<string> = [],
): { commands: SkillCommand[]; conflicts: { name: string; command: string; takenBy: string }[] } {
  const taken = new Map<string, string>();
  for (const r of reserved) taken.set(r.replace(/^\//, '').toLowerCase(), `built-in /${r.replace(/^\//, '')}`);
  const commands: SkillCommand[] = [];
  const conflicts: { name: string; command: string; takenBy: string }[] = [];
  for (const s of skills) {
    const command = skillCommandName(s.name);
    const owner = taken.get(command);
    if (owner) {
      conflicts.push({ name: s.name, command, takenBy: owner });
      continue;
    }
    taken.set(command, s.name);
    commands.push({ command, name: s.name, description: s.description });
  }
  return { commands, conflicts };
}

/** `/cmd rest of line` → {command, args}; anything else → null. */
export function parseSlashCommand(text: string): { command: string; args: string } | null {
  const m = /^\/([A-Za-z0-9][\w.-]*)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { command: m[1].toLowerCase(), args: (m[2] ?? '').trim() } : null;
}

export interface InvokedSkill {
  name: string;
  /** SKILL.md without its frontmatter. */
  body: string;
  /** Skill folder, so relative references in the body can be resolved. */
  dir?: string;
  /** Relative paths of references/templates/scripts/assets files. */
  linkedFiles?: string[];
  /** Required environment variables that are not set (names only, never values). */
  missingEnv?: string[];
}

const HEADER_PREFIX = '[The user invoked the skill "';
const INSTRUCTION_MARK = "The user's instruction alongside the skill invocation:";
const NO_INSTRUCTION = 'The user gave no further instruction; apply the skill to the current task.';

/** The user-message text that loads `skill` into the turn, followed by what the user typed after the command. */
export function buildSkillInvocationMessage(skill: InvokedSkill, userArgs: string): string {
  const parts: string[] = [];
  parts.push(
    `${HEADER_PREFIX}${skill.name}" (/${skillCommandName(skill.name)}). Its full instructions are loaded below; ` +
      `follow them for this request. There is no need to call skill_view for it.]`,
  );
  const folder = skill.dir ? ` folder="${skill.dir.replace(/"/g, '&quot;')}"` : '';
  parts.push(`<skill name="${skill.name.replace(/"/g, '&quot;')}"${folder}>\n${skill.body.trim().replace(/<\/skill>/gi, '<\\/skill>')}\n</skill>`);
  if (skill.linkedFiles?.length) {
    parts.push(`Linked files (load with skill_view("${skill.name}", file_path)): ${skill.linkedFiles.join(', ')}`);
  }
  if (skill.missingEnv?.length) {
    parts.push(
      `Setup needed: ${skill.missingEnv.join(', ')} ${skill.missingEnv.length === 1 ? 'is' : 'are'} not set. ` +
        `Tell the user which variable is missing; never ask them to paste a secret into the chat.`,
    );
  }
  const args = userArgs.trim();
  parts.push(args ? `${INSTRUCTION_MARK}\n${args}` : NO_INSTRUCTION);
  return parts.join('\n\n');
}

/** Recovers what the user typed from an invocation message (for memory and titles); null if it is not one. */
export function extractUserInstruction(message: string): { skill: string; instruction: string } | null {
  if (!message.startsWith(HEADER_PREFIX)) return null;
  const skill = message.slice(HEADER_PREFIX.length, message.indexOf('"', HEADER_PREFIX.length));
  const i = message.lastIndexOf(`\n\n${INSTRUCTION_MARK}\n`);
  return { skill, instruction: i === -1 ? '' : message.slice(i + INSTRUCTION_MARK.length + 3) };
}
