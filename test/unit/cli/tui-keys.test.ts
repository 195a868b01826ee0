import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../../server/cli/tui/keys';

const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false } as Key;
const pressed = (k: [string, Key]) => [k[0], Object.entries(k[1]).filter(([, v]) => v === true).map(([n]) => n)];

describe('splitKeys', () => {
  it('passes a single key or plain text through untouched', () => {
    const ctrlU = { ...none, ctrl: true };
    expect(splitKeys('u', ctrlU)).toEqual([['u', ctrlU]]);
    expect(splitKeys('hello world', none)).toEqual([['hello world', none]]);
  });

  it('splits text and control keys that arrived in one read, in order', () => {
    expect(splitKeys('/hel\x15read @no', none).map(pressed)).toEqual([
      ['/hel', []],
      ['u', ['ctrl']],
      ['read @no', []],
    ]);
    expect(splitKeys('ab\x7f\x08\x17c\x03', none).map(pressed)).toEqual([
      ['ab', []],
      ['', ['delete']],
      ['', ['backspace']],
      ['w', ['ctrl']],
      ['c', []],
      ['c', ['ctrl']],
    ]);
  });

  it('keeps tabs and line breaks in the text (a paste), for the chat to interpret', () => {
    expect(splitKeys('a\tb\r\nc\r', none)).toEqual([['a\tb\r\nc\r', none]]);
  });

  it('does not carry a modifier of the whole chunk onto its parts', () => {
    expect(splitKeys('x\x01y', { ...none, meta: true }).map(pressed)).toEqual([
      ['x', []],
      ['a', ['ctrl']],
      ['y', []],
    ]);
  });
});
