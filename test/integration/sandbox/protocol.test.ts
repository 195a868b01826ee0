// The persistent-shell protocol's building blocks with real shells: one-line quoting round-trips through bash, dash
// and busybox ash, and the frame scanner copes with any chunking (markers and UTF-8 split across chunks).
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { FrameScanner, type Frame } from '../../../server/sandbox/frames';
import { oneLineWord, prefixOf, shq } from '../../../server/sandbox/shell-script';

const SHELLS = [['bash'], ['dash'], ['busybox', 'sh']];
const SAMPLES = [
  'plain',
  "it's \"quoted\" \\ back\\slash %s %% $HOME `x`",
  'line1\nline2\n\ttabbed\r\x01\x1b[31mred\x7f',
  'é€😀 ünïcödé',
  "'",
  '',
];

describe('oneLineWord', () => {
  for (const sh of SHELLS) {
    test(`round-trips through ${sh.join(' ')}`, () => {
      for (const s of SAMPLES) {
        const word = oneLineWord(s);
        expect(word).not.toContain('\n');
        const out = execFileSync(sh[0]!, [...sh.slice(1), '-c', `printf %s ${word}`]).toString();
        // $(...) drops trailing newlines by design; nothing else may change.
        expect(out).toBe(/[\x00-\x1f\x7f]/.test(s) ? s.replace(/\n+$/, '') : s);
      }
      expect(execFileSync(sh[0]!, [...sh.slice(1), '-c', `printf %s ${shq("a'b")}`]).toString()).toBe("a'b");
    });
  }
});

describe('FrameScanner', () => {
  const nonce = '00112233aabbccdd';
  const p = prefixOf(nonce);
  const stream = Buffer.from(
    `noise é ${p}S${p}.out <<hermes:ffff:Efake€ 😀 <<her${p}E0\x1f/tmp/x y${p}.after`,
  );

  function scan(chunkSize: number) {
    let text = '';
    const frames: Frame[] = [];
    const s = new FrameScanner((t) => (text += t), (f) => frames.push(f));
    s.watch(nonce);
    for (let i = 0; i < stream.length; i += chunkSize) s.push(stream.subarray(i, i + chunkSize));
    s.flush();
    return { text, frames };
  }

  test('any chunk size gives the same frames and text', () => {
    const whole = scan(stream.length);
    expect(whole.frames).toEqual([
      { nonce, kind: 'S', payload: '' },
      { nonce, kind: 'E', payload: '0\x1f/tmp/x y' },
    ]);
    expect(whole.text).toBe('noise é out <<hermes:ffff:Efake€ 😀 <<herafter');
    for (const size of [1, 2, 3, 5, 7, 13]) expect(scan(size)).toEqual(whole);
  });

  test('frames of nonces nobody watches are text', () => {
    let text = '';
    const s = new FrameScanner((t) => (text += t), () => {
      throw new Error('no frame expected');
    });
    s.watch('other');
    s.push(stream);
    s.flush();
    expect(text).toBe(stream.toString());
  });
});
