// Ink splits what it reads from the terminal only at escape sequences: text and control keys that arrive in one
// read (typing ahead while the chat is busy, a script, a slow machine) reach useInput as one string, so "/hel",
// Ctrl+U, "read" would be inserted as "/helread". This splits such a chunk back into the keys that were pressed.
import type { Key } from 'ink';

// Tab, line feed and carriage return stay in the text: inside a chunk they are part of a paste (the chat decides
// what a trailing Enter means); every other C0 control and DEL is a key of its own.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function plain(like: Key): Key {
  const k = { ...like };
  for (const name of Object.keys(k) as (keyof Key)[]) if (typeof k[name] === 'boolean') (k as Record<string, unknown>)[name] = false;
  return k;
}

/** A control character as Ink would report it alone: Ctrl+letter, Backspace or Delete. */
function controlKey(c: string, base: Key): [string, Key] {
  const code = c.charCodeAt(0);
  if (c === '\x7f') return ['', { ...base, delete: true }];
  if (c === '\b') return ['', { ...base, backspace: true }];
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ...base, ctrl: true }];
  return ['', base];
}

export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length < 2 || !CONTROL.test(input)) return [[input, key]];
  const base = plain(key);
  const out: [string, Key][] = [];
  let text = '';
  for (const c of input) {
    if (!CONTROL.test(c)) {
      text += c;
      continue;
    }
    if (text) out.push([text, base]);
    text = '';
    out.push(controlKey(c, base));
  }
  if (text) out.push([text, base]);
  return out;
}
