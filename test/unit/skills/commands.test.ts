import { describe, expect, it } from 'vitest';
import {
  buildSkillCommands,
  buildSkillInvocationMessage,
  extractUserInstruction,
  parseSlashCommand,
  skillCommandName,
} from '../../../server/skills/commands';
import { SkillLibrary } from '../../../server/skills/library';
import { viewSkill, type SkillView } from '../../../server/skills/view';
import { skillMd, tempDir, writeSkill } from './helpers';

describe('slash commands', () => {
  it('derives command names', () => {
    expect(skillCommandName('code-review')).toBe('code-review');
    expect(skillCommandName('PDF Tools_v2.1')).toBe('pdf-tools-v2-1');
  });

  it('builds the command table, reserving built-ins and reporting clashes', () => {
    const { commands, conflicts } = buildSkillCommands(
      [
        { name: 'help', description: 'x' },
        { name: 'pdf_tools', description: 'a' },
        { name: 'pdf-tools', description: 'b' },
      ],
      ['/help', 'new'],
    );
    expect(commands).toEqual([{ command: 'pdf-tools', name: 'pdf_tools', description: 'a' }]);
    expect(conflicts).toEqual([
      { name: 'help', command: 'help', takenBy: 'built-in /help' },
      { name: 'pdf-tools', command: 'pdf-tools', takenBy: 'pdf_tools' },
    ]);
  });

  it('parses /command arguments', () => {
    expect(parseSlashCommand('/code-review  focus on errors\nand tests ')).toEqual({ command: 'code-review', args: 'focus on errors\nand tests' });
    expect(parseSlashCommand('/Commit')).toEqual({ command: 'commit', args: '' });
    expect(parseSlashCommand('not a command')).toBeNull();
  });

  it('loads a skill into the turn as a user message with header, body and the instruction', () => {
    const root = tempDir();
    writeSkill(root, 'dev/code-review', skillMd('code-review', 'Review code', 'required_environment_variables: [GH_TOKEN]\n', '# Review\n\nCheck ${HERMES_SKILL_DIR}/references/checklist.md\n'), {
      'references/checklist.md': '- [ ] tests',
    });
    const v = viewSkill(new SkillLibrary(root), 'code-review', undefined, { env: {} }) as SkillView;
    const msg = buildSkillInvocationMessage(
      { name: v.name, body: v.body, dir: v.dir, linkedFiles: Object.values(v.linkedFiles).flat(), missingEnv: v.missingEnv },
      'focus on error handling',
    );
    const lines = msg.split('\n');
    expect(lines[0]).toMatch(/^\[The user invoked the skill "code-review" \(\/code-review\)\./);
    expect(msg).toContain(`<skill name="code-review" folder="${v.dir}">\n# Review\n\nCheck ${v.dir}/references/checklist.md\n</skill>`);
    expect(msg).toContain('Linked files (load with skill_view("code-review", file_path)): references/checklist.md');
    expect(msg).toContain('Setup needed: GH_TOKEN is not set.');
    expect(msg.endsWith("The user's instruction alongside the skill invocation:\nfocus on error handling")).toBe(true);
    expect(msg.indexOf('<skill')).toBeLessThan(msg.indexOf('focus on error handling'));
    expect(extractUserInstruction(msg)).toEqual({ skill: 'code-review', instruction: 'focus on error handling' });
  });

  it('says so when the user gave no instruction, and keeps the skill block closed', () => {
    const msg = buildSkillInvocationMessage({ name: 'x', body: 'a </skill> b' }, '  ');
    expect(msg).toContain('a <\\/skill> b');
    expect(msg.endsWith('The user gave no further instruction; apply the skill to the current task.')).toBe(true);
    expect(extractUserInstruction(msg)).toEqual({ skill: 'x', instruction: '' });
    expect(extractUserInstruction('hello')).toBeNull();
  });
});
