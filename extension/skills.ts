// Skills as editor commands: a quick pick over the host's skills, `hermes.runSkill` with `{ name, args }` for key
// bindings, and "Ask About Selection". A skill runs as its slash command (`/name args`) in the current thread; the
// host expands it.
import type { z } from 'zod';
import type { SkillInfo } from '../server/protocol';

export type Skill = z.infer<typeof SkillInfo>;

/** The host's skill list, fetched on demand and dropped on `skills/changed`. */
export class SkillCatalog {
  private cached: Promise<Skill[]> | null = null;

  constructor(private readonly host: { request(method: string, params: unknown): Promise<unknown> }) {}

  list(): Promise<Skill[]> {
    if (!this.cached) {
      this.cached = this.host.request('skills/list', {}).then((r) => (r as { skills: Skill[] }).skills);
      this.cached.catch(() => (this.cached = null));
    }
    return this.cached;
  }

  invalidate(): void {
    this.cached = null;
  }
}

/** `/name args`, the text a skill runs as. */
export function skillPrompt(name: string, args?: string): string {
  const cmd = name.startsWith('/') ? name : `/${name}`;
  return args?.trim() ? `${cmd} ${args.trim()}` : cmd;
}

export interface SelectionContext {
  relPath: string;
  languageId: string;
  text: string;
  /** 1-based inclusive line range, absent for the whole file. */
  lines?: [number, number];
}

/** The prompt for "Ask About Selection": the question (after an optional skill command) and the code. */
export function selectionPrompt(sel: SelectionContext, question: string, skill?: string): string {
  const where = sel.lines ? `${sel.relPath} (lines ${sel.lines[0]}-${sel.lines[1]})` : sel.relPath;
  const fence = sel.text.includes('```') ? '````' : '```';
  const ask = question.trim() || 'Explain this code.';
  const head = skill ? skillPrompt(skill, ask) : ask;
  return `${head}\n\nFrom \`${where}\`:\n${fence}${sel.languageId}\n${sel.text}\n${fence}`;
}

export function skillPickItems(skills: Skill[]): { label: string; description?: string; detail: string; name: string }[] {
  return [...skills]
    .sort((a, b) => (a.category ?? '').localeCompare(b.category ?? '') || a.name.localeCompare(b.name))
    .map((s) => ({
      label: s.name,
      description: [s.category, s.setupNeeded ? `needs ${s.missingEnv.join(', ') || 'setup'}` : undefined].filter(Boolean).join(' · ') || undefined,
      detail: s.description,
      name: s.name,
    }));
}
