// Token counts with gpt-tokenizer, loaded on first use: building its tables takes ~80 ms, and most threads never
// come near the threshold, which the byte bound below proves without the tokenizer at all. cl100k_base rather than
// o200k_base: counts differ by a few per cent (less than any provider's own tokenizer differs from both), and its
// tables add half as much to the host bundle.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredMessage } from '../../store';
import { imagesOf } from '../image-parts';

/** Framing tokens a chat message costs beyond its text (role, separators), as OpenAI documents for its models. */
export const MESSAGE_OVERHEAD = 4;
/** A reply is primed with a few tokens too. */
export const REPLY_PRIMING = 3;
/** What one image costs a request at most, as providers count it (a large picture at full detail: ~1,600). Counted
 * for every image a message carries, though only the latest few are sent as pictures: an estimate may be high. */
export const IMAGE_TOKENS = 1600;

function imageCost(m: StoredMessage): number {
  return imagesOf(m).length * IMAGE_TOKENS;
}

type CountFn = (text: string) => number;

/**
 * The encoding tables are 1 MB of JavaScript: the build ships them as their own file next to the host bundle
 * (dist/server/tokenizer.js) so the host does not read and parse them at every start. From sources (tests) the
 * package is required directly.
 */
function loadTokenizer(): { countTokens: CountFn } {
  const bundled = join(__dirname, 'tokenizer.js');
  const id = existsSync(bundled) ? bundled : 'gpt-tokenizer/encoding/cl100k_base';
  // A computed specifier keeps the bundler from inlining the tables into the host bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as { countTokens: CountFn };
}
let countImpl: CountFn | undefined;

function tokenizer(): CountFn {
  // A static specifier, so the bundler includes the module, but required lazily so host start-up does not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  countImpl ??= loadTokenizer().countTokens;
  return countImpl;
}

export function countText(text: string): number {
  return text ? tokenizer()(text) : 0;
}

/** What of a stored message is sent to the model: its text and its tool calls (reasoning is not sent back). */
function sentParts(m: StoredMessage): string[] {
  const parts = [m.content ?? ''];
  for (const c of m.toolCalls ?? []) parts.push(c.id, c.name, c.arguments);
  if (m.toolCallId) parts.push(m.toolCallId);
  return parts;
}

/**
 * Byte-level BPE never yields more tokens than UTF-8 bytes, so bytes bound the count from above: a thread whose
 * bytes stay under the threshold is under it in tokens too.
 */
export function messageBytes(m: StoredMessage): number {
  let n = MESSAGE_OVERHEAD + imageCost(m);
  for (const p of sentParts(m)) n += Buffer.byteLength(p);
  return n;
}

export function textBytes(text: string): number {
  return Buffer.byteLength(text);
}

/** Counts messages and fixed texts, remembering each so a growing thread only pays for what is new. */
export class TokenCounter {
  private readonly byMessage = new Map<number, number>();
  private readonly byText = new Map<string, number>();

  constructor(private readonly maxEntries = 50_000) {}

  message(m: StoredMessage): number {
    const hit = this.byMessage.get(m.id);
    if (hit !== undefined) return hit;
    let n = MESSAGE_OVERHEAD + imageCost(m);
    for (const p of sentParts(m)) n += countText(p);
    if (this.byMessage.size >= this.maxEntries) this.byMessage.clear();
    this.byMessage.set(m.id, n);
    return n;
  }

  /** For the system prompt and tool schemas: the same few long strings, counted once each. */
  text(s: string): number {
    const hit = this.byText.get(s);
    if (hit !== undefined) return hit;
    const n = countText(s);
    if (this.byText.size >= 32) this.byText.clear();
    this.byText.set(s, n);
    return n;
  }
}
