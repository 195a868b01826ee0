// Redaction for text that arrives in pieces (streamed model output, command output). A secret can be split across
// chunks, so a chunk cannot be redacted on its own. The redactor holds back the unfinished tail — the last word, a
// line that has started to say `password:`/`Bearer`/`api_key=`, an unterminated private-key block — and releases
// text only once redacting it can no longer change: what has been streamed is always a prefix of the redacted whole.
import { redact } from './redact';

/** Words that introduce a secret on the same line (the `assignment` and `bearer` patterns in redact.ts). */
const TRIGGER = /(?:bearer|authorization|api[_-]?key|access[_-]?key|token|secret|passw(?:or)?d|private[_-]?key|credential)/gi;
const PEM_END = /-----END [A-Z ]*-----/;
/** Longest tail we hold back waiting for the end of a word (a JWT or a long key is shorter). */
const MAX_HOLD = 4096;

export class StreamRedactor {
  private raw = '';
  /** Redacted text already released. */
  private out = '';
  /** raw[0, doneRaw) is final and maps to out[0, doneOut). */
  private doneRaw = 0;
  private doneOut = 0;

  /** Adds a chunk; returns the redacted text that can be released now (possibly ''). */
  push(chunk: string): string {
    this.raw += chunk;
    return this.release(this.safeEnd(), false);
  }

  /** The stream ended: releases everything still held back. */
  flush(): string {
    return this.release(this.raw.length, true);
  }

  /** All text released so far. */
  get text(): string {
    return this.out;
  }

  private safeEnd(): number {
    const raw = this.raw;
    let end = raw.length;
    // An unterminated PEM block is held back whole.
    const begin = raw.lastIndexOf('-----BEGIN');
    if (begin >= this.doneRaw && !PEM_END.test(raw.slice(begin))) end = begin;
    // Hold back from a trigger word on the current line: the secret that follows may not have arrived yet.
    const lineStart = raw.lastIndexOf('\n', end - 1) + 1;
    TRIGGER.lastIndex = 0;
    const line = raw.slice(lineStart, end);
    let m: RegExpExecArray | null;
    let trigger = -1;
    while ((m = TRIGGER.exec(line))) trigger = m.index;
    if (trigger >= 0 && end - (lineStart + trigger) < 200) end = lineStart + trigger;
    // Then back to the last whitespace: the last word may be the first half of a key.
    let ws = end - 1;
    while (ws >= this.doneRaw && !/\s/.test(raw[ws])) ws--;
    if (end - (ws + 1) < MAX_HOLD) end = ws + 1;
    return Math.max(end, this.doneRaw);
  }

  private release(end: number, final: boolean): string {
    const seg = redact(this.raw.slice(this.doneRaw, end));
    const shown = this.out.slice(this.doneOut);
    // The cut must not fall inside a secret that has already arrived whole (a key block whose last word is held).
    if (!final && !redact(this.raw.slice(this.doneRaw)).startsWith(seg)) return '';
    if (!seg.startsWith(shown)) {
      // Redacting more text changed what was already released (a secret pattern spanning the hold-back point). Nothing
      // more is streamed until it settles; the completed item carries the authoritative redacted text.
      return '';
    }
    const delta = seg.slice(shown.length);
    this.out += delta;
    // Text up to the last newline (outside a held PEM block) is final: later chunks cannot change how it redacts.
    const nl = this.raw.lastIndexOf('\n', end - 1);
    if (nl >= this.doneRaw) {
      const finalSeg = redact(this.raw.slice(this.doneRaw, nl + 1));
      if (seg.startsWith(finalSeg)) {
        this.doneRaw = nl + 1;
        this.doneOut += finalSeg.length;
      }
    }
    return delta;
  }
}
