import { describe, expect, it } from 'vitest';
import { parseShell, splitCommand } from '../../../server/approval/classifier/shell-split';
import { expandBraces } from '../../../server/approval/classifier/expand';

describe('splitCommand', () => {
  it.each([
    ['ls -la && rm -rf x ; echo "a;b" | sh', ['ls -la', 'rm -rf x', 'echo "a;b"', 'sh']],
    ['a || b & c\nd', ['a', 'b', 'c', 'd']],
    ['(cd /tmp; rm -rf x) & { ls; }', ['cd /tmp', 'rm -rf x', 'ls']],
    ['echo $(rm -rf x && ls) `whoami`', ['rm -rf x', 'ls', 'whoami', 'echo $(rm -rf x && ls) `whoami`']],
    ['diff <(ls a) >(wc -l)', ['ls a', 'wc -l', 'diff <(ls a) >(wc -l)']],
    ['if [[ -f x && $y ]]; then rm -rf z; fi', ['rm -rf z']],
    ['for f in *.ts; do echo $f; done', ['echo $f']],
    ['while read l; do rm "$l"; done < list', ['read l', 'rm "$l"']],
    ['case $x in a) rm a;; b|c) ls;; esac', ['rm a', 'ls']],
    ['function f { rm -rf x; }; f', ['rm -rf x', 'f']],
    ['echo hi # rm -rf /', ['echo hi']],
    ['x=$((1+2)); (( i++ )); echo $x', ['x=$((1+2))', 'echo $x']],
    ['echo "$(date) `id`" \'$(not run)\'', ['date', 'id', 'echo "$(date) `id`" \'$(not run)\'']],
  ])('%j', (cmd, parts) => {
    expect(splitCommand(cmd)).toEqual(parts);
  });

  it('keeps operators inside quotes and escapes as text', () => {
    expect(splitCommand("find . -exec grep x {} \\; ; echo ';' '&&' \\|")).toEqual(["find . -exec grep x {} \\;", "echo ';' '&&' \\|"]);
  });
});

describe('parseShell', () => {
  it('attaches heredoc bodies to their redirect and keeps the command text short', () => {
    const sc = parseShell("cat <<EOF | sh\nrm -rf /\nEOF\npython3 - <<-'PY'\n\tprint(1)\n\tPY\necho after");
    const [p1, p2, p3] = sc.pipelines;
    const cat = p1.commands[0];
    expect(cat.kind === 'simple' && cat.redirects[0].body).toBe('rm -rf /\n');
    expect(cat.text).toBe('cat <<EOF');
    const py = p2.commands[0];
    expect(py.kind === 'simple' && py.redirects[0].body).toBe('print(1)\n');
    expect(p3.commands[0].text).toBe('echo after');
  });

  it('parses substitutions inside unquoted heredocs (they run) but not quoted ones', () => {
    const sc = parseShell("cat <<EOF\n$(rm -rf /)\nEOF\ncat <<'EOF'\n$(rm -rf /)\nEOF");
    const first = sc.pipelines[0].commands[0];
    const second = sc.pipelines[1].commands[0];
    expect(first.kind === 'simple' && first.redirects[0].bodySubs?.length).toBe(1);
    expect(second.kind === 'simple' && second.redirects[0].bodySubs).toBeUndefined();
  });

  it('recognises function definitions, including the fork bomb spelling', () => {
    const c = parseShell(':(){ :|:& };:').pipelines[0].commands[0];
    expect(c.kind).toBe('func');
    if (c.kind === 'func' && c.body.kind === 'group') {
      expect(c.name).toBe(':');
      expect(c.body.body.pipelines[0].commands).toHaveLength(2);
      expect(c.body.body.pipelines[0].background).toBe(true);
    }
  });

  it('marks expansions, quoting and brace candidates on words', () => {
    const c = parseShell('echo $X "$Y" \'$Z\' {a,b} "{c,d}"').pipelines[0].commands[0];
    if (c.kind !== 'simple') throw new Error('expected a simple command');
    const [, x, y, z, br, qbr] = c.words;
    expect([x.dynamic, x.splittable]).toEqual([true, true]);
    expect([y.dynamic, y.splittable, y.quoted]).toEqual([true, false, true]);
    expect([z.dynamic, z.text]).toEqual([false, '$Z']);
    expect(br.braces).toBe(true);
    expect(qbr.braces).toBe(false);
  });

  it('never throws and flags input nested past its limits', () => {
    for (const junk of ['((((', '$(', '`', '"unterminated', "'x", 'a <<', ') ) ;; |', '${', 'case x in', '{ {']) {
      expect(() => parseShell(junk)).not.toThrow();
    }
    const deep = 'echo ' + '$('.repeat(40) + 'rm -rf /' + ')'.repeat(40);
    expect(parseShell(deep).truncated).toBe(true);
  });
});

describe('brace expansion', () => {
  it('expands lists, sequences and nesting like bash', () => {
    expect(expandBraces('{rm,-rf,/}')).toEqual(['rm', '-rf', '/']);
    expect(expandBraces('/{etc,usr}/x')).toEqual(['/etc/x', '/usr/x']);
    expect(expandBraces('f{1..3}')).toEqual(['f1', 'f2', 'f3']);
    expect(expandBraces('a{b,c{d,e}}')).toEqual(['ab', 'acd', 'ace']);
    expect(expandBraces('{}')).toEqual(['{}']);
  });
});
