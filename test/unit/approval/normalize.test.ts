import { describe, expect, it } from 'vitest';
import { decodeEscapes, foldHomeForms, normalizeCommand, normalizeText } from '../../../server/approval/classifier/normalize';
import { parseShell } from '../../../server/approval/classifier/shell-split';

/** The words of the first simple command, quote-removed as the shell would. */
function words(cmd: string): string[] {
  const c = parseShell(normalizeText(cmd)).pipelines[0].commands[0];
  return c.kind === 'simple' ? c.words.map((w) => w.text) : [];
}

describe('normalizeText', () => {
  it('strips ANSI/ECMA-48 sequences: CSI, OSC, 8-bit CSI, lone ESC', () => {
    expect(normalizeText('\x1b[1;31mrm\x1b[0m -rf /')).toBe('rm -rf /');
    expect(normalizeText('\x1b]0;title\x07ls')).toBe('ls');
    expect(normalizeText('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(normalizeText('\x9b31mrm')).toBe('rm');
    expect(normalizeText('rm\x1b')).toBe('rm');
  });

  it('removes NUL, other control characters and invisible format characters but keeps tab and newline', () => {
    expect(normalizeText('r\x00m\x07 -rf\t/\n')).toBe('rm -rf\t/\n');
    expect(normalizeText('r\u200bm\u200d -\u2060rf \ufeff/')).toBe('rm -rf /');
    expect(normalizeText('ls\r\nrm x')).toBe('ls\nrm x');
  });

  it('applies NFKC: fullwidth letters, operators and spaces become ASCII', () => {
    expect(normalizeText('\uff52\uff4d\u3000\uff0d\uff52\uff46\u00a0/')).toBe('rm -rf /');
    expect(normalizeText('ls\uff1brm')).toBe('ls;rm');
  });
});

describe('home folding', () => {
  it('folds $HOME, ${HOME} and the absolute home path to ~, but not longer names', () => {
    expect(foldHomeForms('rm -rf $HOME ${HOME}/x "/home/alice"/.ssh', '/home/alice', '/srv/hermes')).toBe('rm -rf ~ ~/x "~"/.ssh');
    expect(foldHomeForms('echo $HOMEDIR /home/alicex', '/home/alice', '/srv/hermes')).toBe('echo $HOMEDIR /home/alicex');
  });

  it('folds HERMES_HOME forms to ~/.hermes, wherever HERMES_HOME lives', () => {
    expect(foldHomeForms('cat $HERMES_HOME/.env ${HERMES_HOME}/config.yaml /srv/hermes/state.db', '/home/alice', '/srv/hermes')).toBe(
      'cat ~/.hermes/.env ~/.hermes/config.yaml ~/.hermes/state.db',
    );
  });

  it('is case-insensitive for absolute paths', () => {
    expect(normalizeCommand('rm -rf /HOME/Alice', '/home/alice', '/home/alice/.hermes')).toBe('rm -rf ~');
  });
});

describe('quote and backslash tricks (undone by the tokenizer)', () => {
  it.each([
    ['r\\m -rf /', ['rm', '-rf', '/']],
    ["r''m -rf /", ['rm', '-rf', '/']],
    ['"r"m -rf /', ['rm', '-rf', '/']],
    ["'rm' \"-rf\" '/'", ['rm', '-rf', '/']],
    ['\\r\\m -\\r\\f /', ['rm', '-rf', '/']],
    ["$'\\x72\\x6d' -rf /", ['rm', '-rf', '/']],
    ["$'\\162\\155'", ['rm']],
    ['rm -rf \\\n/', ['rm', '-rf', '/']],
  ])('%j → %j', (cmd, expected) => {
    expect(words(cmd)).toEqual(expected);
  });
});

describe('decodeEscapes', () => {
  it('decodes C escapes the way $\'…\', echo -e and printf do', () => {
    expect(decodeEscapes('\\x72\\x6d \\055rf\\t\\u002f')).toBe('rm -rf\t/');
    expect(decodeEscapes('\\0162m', true)).toBe('rm');
    expect(decodeEscapes('a\\\\b\\n')).toBe('a\\b\n');
  });
});
