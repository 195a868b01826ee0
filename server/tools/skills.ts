// Skills for the model: a cheap listing, the full text on demand (progressive disclosure), and skill_manage so the
// agent can write down what it learned. A skill that needs a secret asks a client that can hold one; the value goes
// to HERMES_HOME/.env and never into the conversation.
import { z } from 'zod';
import type { ClientRequester, Tool, ToolContext } from './types';
import type { SkillsService } from '../skills/service';
import {
  SkillError,
  createSkill,
  deleteSkill,
  editSkill,
  patchSkill,
  removeSkillFile,
  writeSkillFile,
  type SkillView,
} from '../skills';

const ListArgs = z.object({ category: z.string().optional().describe('Only this category.') });

export function createSkillsListTool(deps: { skills: SkillsService }): Tool<z.infer<typeof ListArgs>> {
  return {
    name: 'skills_list',
    toolset: 'skills',
    description: 'List the skills (reusable instructions for tasks) with name, description and category. Load one with skill_view.',
    schema: ListArgs,
    parallelSafe: true,
    async run(args) {
      const l = deps.skills.list({ category: args.category });
      if (!l.skills.length) return { content: args.category ? `No skills in category ${args.category}.` : 'No skills installed.' };
      const lines = l.skills.map((s) => `- ${s.name}${s.category ? ` [${s.category}]` : ''}: ${s.description}${s.setupNeeded ? ` (setup needed: ${s.missingEnv.join(', ')})` : ''}`);
      return { content: `${l.skills.length} skill(s):\n${lines.join('\n')}` };
    },
  };
}

const ViewArgs = z.object({
  name: z.string().min(1).describe('Skill name.'),
  file_path: z.string().optional().describe('A file of the skill to read instead (references/…, templates/…, scripts/…, assets/…).'),
});

export interface SecretAsker {
  clients: ClientRequester;
  /** Stores a value in HERMES_HOME/.env (0600) and makes it visible to tools. */
  store(name: string, value: string): void;
}

async function askForSecrets(view: SkillView, ctx: ToolContext, secrets: SecretAsker): Promise<string> {
  const missing = view.requiredEnvironmentVariables.filter((v) => view.missingEnv.includes(v.name));
  if (!missing.length) return '';
  const routing = { answerers: ctx.policy.answerers, origin: ctx.policy.origin.surfaceId };
  if (ctx.clients.answerers('secret/request', { ...routing, threadId: ctx.threadId }) === 0) {
    return `\n\n[Setup needed: ${view.missingEnv.join(', ')} ${view.missingEnv.length > 1 ? 'are' : 'is'} not set. Tell the user to set ${view.missingEnv.length > 1 ? 'them' : 'it'} locally in HERMES_HOME/.env (hermes-host runs on their machine); never ask them to paste a secret into this chat.]`;
  }
  const got: string[] = [];
  const still: string[] = [];
  for (const v of missing) {
    const res = await ctx.clients.request(
      'secret/request',
      { threadId: ctx.threadId, name: v.name, prompt: v.prompt ?? `Value for ${v.name} (needed by the ${view.name} skill)`, help: v.help, skill: view.name },
      { timeoutMs: 5 * 60_000, signal: ctx.signal, routing },
    );
    if (res.ok && res.result.value) {
      secrets.store(v.name, res.result.value);
      got.push(v.name);
    } else still.push(v.name);
  }
  return (
    (got.length ? `\n\n[The user set ${got.join(', ')} (stored in HERMES_HOME/.env; the value is not shown).]` : '') +
    (still.length ? `\n\n[Still not set: ${still.join(', ')}. Continue without it or tell the user what is missing.]` : '')
  );
}

export function createSkillViewTool(deps: { skills: SkillsService; secrets: Omit<SecretAsker, 'clients'> }): Tool<z.infer<typeof ViewArgs>> {
  return {
    name: 'skill_view',
    toolset: 'skills',
    description: 'Load a skill: its full instructions, or one of its files with file_path. Load any skill that may apply before you start the task.',
    schema: ViewArgs,
    async run(args, ctx) {
      try {
        const v = deps.skills.view(args.name, args.file_path, ctx.threadId);
        if (v.kind === 'file') {
          return { content: v.binary ? `${v.filePath} of skill ${v.name} is a binary file (${v.size} bytes) at ${v.path}.` : `${v.filePath} of skill ${v.name}:\n\n${v.content ?? ''}` };
        }
        const files = Object.entries(v.linkedFiles)
          .filter(([, f]) => (f as string[]).length)
          .map(([k, f]) => `${k}: ${(f as string[]).join(', ')}`);
        const setup = await askForSecrets(v, ctx, { ...deps.secrets, clients: ctx.clients });
        return { content: `${v.content}${files.length ? `\n\n[Linked files — load with skill_view(name, file_path): ${files.join('; ')}]` : ''}${setup}` };
      } catch (e) {
        return { content: `Error: ${(e as Error).message}`, isError: true };
      }
    },
  };
}

const ManageArgs = z.object({
  action: z.enum(['create', 'patch', 'edit', 'delete', 'write_file', 'remove_file']),
  name: z.string().min(1).describe('Skill name (lowercase, digits, . _ -).'),
  content: z.string().optional().describe('create/edit: the whole SKILL.md, with frontmatter (name, description).'),
  category: z.string().optional().describe('create: category folder, e.g. devops or software-development.'),
  old_string: z.string().optional().describe('patch: exact text to replace.'),
  new_string: z.string().optional().describe('patch: replacement text.'),
  replace_all: z.boolean().optional().describe('patch: replace every occurrence.'),
  file_path: z.string().optional().describe('write_file/remove_file/patch: a file under references/, templates/, scripts/ or assets/.'),
  file_content: z.string().optional().describe('write_file: the file content.'),
});

export function createSkillManageTool(deps: { skills: SkillsService }): Tool<z.infer<typeof ManageArgs>> {
  return {
    name: 'skill_manage',
    toolset: 'skills',
    description:
      'Create or update skills: reusable instructions you or the user will need again. Write one after a complex task, after finding the way out of a dead end, or when the user corrects how something should be done. Keep SKILL.md short and concrete.',
    schema: ManageArgs,
    async run(a, ctx) {
      const mctx = { library: deps.skills.library, scan: ctx.config.skills.guard_agent_created };
      const need = (k: 'content' | 'old_string' | 'new_string' | 'file_path' | 'file_content'): string => {
        const v = a[k];
        if (v === undefined) throw new SkillError('InvalidArgument', `${k} is required for action "${a.action}"`);
        return v;
      };
      try {
        const r =
          a.action === 'create'
            ? createSkill(mctx, { name: a.name, content: need('content'), category: a.category })
            : a.action === 'edit'
              ? editSkill(mctx, { name: a.name, content: need('content') })
              : a.action === 'patch'
                ? patchSkill(mctx, { name: a.name, oldString: need('old_string'), newString: need('new_string'), filePath: a.file_path, replaceAll: a.replace_all })
                : a.action === 'delete'
                  ? deleteSkill(mctx, { name: a.name })
                  : a.action === 'write_file'
                    ? writeSkillFile(mctx, { name: a.name, filePath: need('file_path'), content: need('file_content') })
                    : removeSkillFile(mctx, { name: a.name, filePath: need('file_path') });
        deps.skills.changed();
        return { content: `${r.message}${r.warnings?.length ? `\nScanner notes: ${r.warnings.join('; ')}` : ''}` };
      } catch (e) {
        const err = e as SkillError;
        const findings = (err as any).findings?.length ? `\n${(err as any).findings.map((f: any) => `- ${f.id} (${f.severity}) ${f.file}:${f.line}: ${f.description}`).join('\n')}` : '';
        return { content: `Error: ${err.message}${findings}`, isError: true };
      }
    },
  };
}
