import { describe, expect, it } from 'vitest';
import { applyPlan, planReplace } from '../../../../server/tools/files/fuzzy-match';

function replace(content: string, oldS: string, newS: string) {
  const plan = planReplace(content, oldS, newS);
  if (!plan) return null;
  return { strategy: plan.strategy, lines: plan.matches.map((m) => m.line), out: applyPlan(content, plan, plan.matches.map((_, i) => i)) };
}

describe('tolerant matching of old_string', () => {
  it('prefers an exact match', () => {
    expect(replace('a foo b', 'foo', 'bar')).toEqual({ strategy: 'exact', lines: [1], out: 'a bar b' });
  });

  it('forgives trailing whitespace', () => {
    const r = replace('if (x) {   \n  go();\n}\n', 'if (x) {\n  go();\n}', 'if (y) {\n  go();\n}');
    expect(r).toEqual({ strategy: 'trailing-whitespace', lines: [1], out: 'if (y) {\n  go();\n}\n' });
  });

  it('forgives indentation and re-indents the replacement to the file', () => {
    const file = 'class A {\n    run() {\n        step();\n    }\n}\n';
    const r = replace(file, 'run() {\n    step();\n}', 'run() {\n    step();\n    more();\n}');
    expect(r!.strategy).toBe('indentation-flexible');
    expect(r!.out).toBe('class A {\n    run() {\n        step();\n        more();\n    }\n}\n');
  });

  it('forgives runs of whitespace inside lines', () => {
    const r = replace('const  x =   1;\nconst y = 2;\n', 'const x = 1;\nconst y = 2;', 'const x = 3;\nconst y = 2;');
    expect(r).toMatchObject({ strategy: 'whitespace-normalised', out: 'const x = 3;\nconst y = 2;\n' });
  });

  it('forgives typographic quotes and dashes', () => {
    const r = replace('say(\u201chello\u201d) \u2014 it\u2019s fine\nnext\n', 'say("hello") - it\'s fine', 'say("bye")');
    expect(r).toMatchObject({ strategy: 'unicode-normalised', out: 'say("bye")\nnext\n' });
  });

  it('keeps the newline semantics of old_string', () => {
    expect(replace('a  \nb\nc\n', 'a\nb\n', '')).toMatchObject({ out: 'c\n' });
    expect(replace('a  \nb\nc\n', 'a\nb', 'x')).toMatchObject({ out: 'x\nc\n' });
  });

  it('follows CRLF files', () => {
    expect(replace('one\r\ntwo\r\nthree\r\n', 'one\ntwo\n', 'uno\ndos\n')).toEqual({
      strategy: 'exact',
      lines: [1],
      out: 'uno\r\ndos\r\nthree\r\n',
    });
    expect(replace('  one\r\n  two\r\n', 'one\ntwo', 'x\ny')).toMatchObject({
      strategy: 'indentation-flexible',
      out: '  x\r\n  y\r\n',
    });
  });

  it('reports every place an ambiguous string matches', () => {
    expect(replace('x\nfoo()\ny\nfoo()\n', 'foo()', 'bar()')!.lines).toEqual([2, 4]);
    expect(replace('a \nb\nx\na\t\nb\n', 'a\nb', 'c')).toMatchObject({ strategy: 'trailing-whitespace', lines: [1, 4] });
  });

  it('finds nothing when the lines differ in content', () => {
    expect(planReplace('alpha\nbeta\n', 'alpha\ngamma', 'x')).toBeNull();
    expect(planReplace('alpha\n', '   \n', 'x')).toBeNull();
  });
});
