// Prompt sections about the agent's own tools: when to use memory and skills, and the skills index. Only present
// when the tools are offered, and rendered once per thread like every section.
import type { SkillsService } from '../skills/service';
import type { PromptSection } from './prompt';

const MAX_INDEXED_SKILLS = 60;

export function guidanceSections(skills: () => SkillsService | undefined): PromptSection[] {
  return [
    {
      id: 'tool-guidance',
      order: 200,
      render: (ctx) => {
        const has = (t: string) => ctx.toolNames.includes(t);
        const parts: string[] = [];
        if (has('memory')) {
          parts.push(
            '# Memory',
            'Your memory (below) is a snapshot from the start of this conversation. Use the memory tool to save what will matter in later sessions: the user\'s preferences and corrections, facts about their environment, conventions, lessons learned. Do not save task progress. Saved entries appear in the next session.',
          );
        }
        if (has('skill_manage')) {
          parts.push(
            '# Skills',
            'Skills are reusable instructions. Before a task, load any skill that may apply with skill_view. After a complex task, after you found the way out of a dead end, or when the user corrected how something should be done, save or update a skill with skill_manage so next time goes right the first time.',
          );
        }
        if (has('session_search')) parts.push('Use session_search when the user refers to something from an earlier conversation.');
        return parts.join('\n');
      },
    },
    {
      id: 'skills-index',
      order: 400,
      render: (ctx) => {
        const svc = skills();
        if (!svc || !ctx.toolNames.includes('skill_view')) return '';
        const { skills: list } = svc.list();
        if (!list.length) return '';
        const byCat = new Map<string, string[]>();
        for (const s of list.slice(0, MAX_INDEXED_SKILLS)) {
          const cat = s.category ?? 'general';
          const desc = s.description.length > 90 ? s.description.slice(0, 87) + '…' : s.description;
          byCat.set(cat, [...(byCat.get(cat) ?? []), `  - ${s.name}: ${desc}`]);
        }
        const lines = ['# Available skills (load with skill_view)'];
        for (const [cat, items] of [...byCat.entries()].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${cat}:`, ...items);
        if (list.length > MAX_INDEXED_SKILLS) lines.push(`… and ${list.length - MAX_INDEXED_SKILLS} more: use skills_list.`);
        return lines.join('\n');
      },
    },
  ];
}
