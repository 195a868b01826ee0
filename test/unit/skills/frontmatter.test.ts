import { describe, expect, it } from 'vitest';
import { parseCategoryDescription, parseSkillMarkdown, SkillFormatError } from '../../../server/skills/frontmatter';

const FILE = 'skills/x/SKILL.md';

function errorOf(text: string): SkillFormatError {
  try {
    parseSkillMarkdown(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(SkillFormatError);
    return e as SkillFormatError;
  }
  throw new Error('expected a SkillFormatError');
}

describe('parseSkillMarkdown', () => {
  it('parses the agentskills.io fields and the Hermes extensions', () => {
    const { frontmatter: fm, body, bodyLine } = parseSkillMarkdown(
      [
        '---',
        'name: web-research',
        'description: Research a topic on the web',
        'version: 1.0',
        'author: Ada',
        'license: MIT',
        'platforms: [linux, darwin]',
        'tags: [top-level]',
        'allowed-tools: Bash',
        'metadata:',
        '  hermes:',
        '    tags: [research, web]',
        '    category: research',
        '    related_skills: [summarize]',
        '    requires_toolsets: [web]',
        '    fallback_for_toolsets: [browser]',
        '    requires_tools: [web_search]',
        '    fallback_for_tools: [browser_navigate]',
        'required_environment_variables:',
        '  - name: SEARCH_API_KEY',
        '    prompt: Search key',
        '    help: https://example.com/keys',
        '  - OTHER_KEY',
        '  - name: OPTIONAL_KEY',
        '    optional: true',
        'prerequisites:',
        '  env_vars: [LEGACY_KEY, OTHER_KEY]',
        '---',
        '# Web research',
      ].join('\n'),
      FILE,
    );
    expect(fm.name).toBe('web-research');
    expect(fm.version).toBe('1.0');
    expect(fm.platforms).toEqual(['linux', 'macos']);
    expect(fm.tags).toEqual(['research', 'web', 'top-level']);
    expect(fm.category).toBe('research');
    expect(fm.relatedSkills).toEqual(['summarize']);
    expect(fm.requiresToolsets).toEqual(['web']);
    expect(fm.fallbackForToolsets).toEqual(['browser']);
    expect(fm.requiresTools).toEqual(['web_search']);
    expect(fm.fallbackForTools).toEqual(['browser_navigate']);
    expect(fm.requiredEnvironmentVariables).toEqual([
      { name: 'SEARCH_API_KEY', prompt: 'Search key', help: 'https://example.com/keys', optional: false },
      { name: 'OTHER_KEY', optional: false },
      { name: 'OPTIONAL_KEY', optional: true },
      { name: 'LEGACY_KEY', optional: false },
    ]);
    expect(fm.raw['allowed-tools']).toBe('Bash');
    expect(body).toBe('# Web research');
    expect(bodyLine).toBe(29);
  });

  it('accepts comma-separated tags and CRLF line endings', () => {
    const { frontmatter } = parseSkillMarkdown('---\r\nname: a\r\ndescription: b\r\ntags: x, y\r\n---\r\nbody\r\n', FILE);
    expect(frontmatter.tags).toEqual(['x', 'y']);
  });

  it('names file, line and key for a missing required field (line of the closing ---)', () => {
    const e = errorOf('---\nname: x\n---\nbody\n');
    expect(e.message).toBe('skills/x/SKILL.md:3: description: required');
    expect(e.issues).toEqual([{ line: 3, key: 'description', reason: 'required' }]);
    expect(e.code).toBe('InvalidFrontmatter');
  });

  it('points at the offending key for a bad value', () => {
    expect(errorOf('---\nname: x\ndescription: ok\nplatforms: [beos]\n---\n').message).toBe(
      'skills/x/SKILL.md:4: platforms.0: must be one of macos, linux, windows',
    );
    const long = parseSkillMarkdown(`---\nname: x\ndescription: ${'d'.repeat(1500)}\n---\n`, 'skills/x/SKILL.md');
    expect(long.frontmatter.description).toHaveLength(1024);
    expect(long.frontmatter.description.endsWith('…')).toBe(true);
    expect(long.warnings).toEqual(['skills/x/SKILL.md:3: description: is 1500 characters; truncated to 1024']);
    expect(errorOf(`---\nname: ${'n'.repeat(65)}\ndescription: d\n---\n`).message).toMatch(/SKILL\.md:2: name: must be at most 64/);
    expect(errorOf('---\nname: x\ndescription: d\nrequired_environment_variables:\n  - FOO\n  - name: 9bad\n---\n').message).toBe(
      'skills/x/SKILL.md:6: required_environment_variables.1.name: must be an environment variable name',
    );
    expect(errorOf('---\nname: x\ndescription:\n---\n').message).toBe('skills/x/SKILL.md:3: description: required');
  });

  it('reports every problem, one per line', () => {
    const e = errorOf('---\nname: [1]\nversion: {a: 1}\n---\n');
    expect(e.issues.map((i) => i.key).sort()).toEqual(['description', 'name', 'version']);
    expect(e.message.split('\n')).toHaveLength(3);
  });

  it('reports YAML syntax errors with the line in the file', () => {
    const e = errorOf('---\nname: x\ndescription: [unclosed\nother: 1\n---\n');
    expect(e.issues[0].key).toBe('frontmatter');
    expect(e.issues[0].line).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/^skills\/x\/SKILL\.md:\d+: frontmatter: /);
    expect(errorOf('---\nname: x\nname: y\ndescription: d\n---\n').message).toMatch(/SKILL\.md:3: frontmatter: .*unique/i);
  });

  it('requires frontmatter at the top, closed, and a mapping', () => {
    expect(errorOf('# just markdown\n').message).toBe("skills/x/SKILL.md:1: frontmatter: missing (the file must start with a '---' line)");
    expect(errorOf('---\nname: x\ndescription: d\n').message).toMatch(/:1: frontmatter: not closed/);
    expect(errorOf('---\n- a\n- b\n---\n').message).toMatch(/:2: frontmatter: must be a mapping/);
  });

  it('never evaluates gray-matter language engines such as ---js', () => {
    (globalThis as Record<string, unknown>).__pwned = false;
    const e = errorOf('---js\n{ name: (globalThis.__pwned = true, "x"), description: "d" }\n---\n');
    expect(e.issues[0].key).toBe('frontmatter');
    expect((globalThis as Record<string, unknown>).__pwned).toBe(false);
  });
});

describe('parseCategoryDescription', () => {
  it('reads the frontmatter description or the first paragraph', () => {
    expect(parseCategoryDescription('---\ndescription: Dev tools\n---\n', 'd')).toEqual({ description: 'Dev tools' });
    expect(parseCategoryDescription('# DevOps\n\nShips things\nsafely.\n\nMore.', 'd')).toEqual({ description: 'Ships things safely.' });
    expect(parseCategoryDescription('---\ndescription: [x\n---\n', 'd').error).toMatch(/^d:\d+: frontmatter/);
  });
});
