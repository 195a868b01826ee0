// Splits a shell's byte stream into plain text and protocol frames (see shell-script.ts). Only frames whose nonce is
// being watched are recognised; everything else, marker look-alikes included, is text. Decoding is UTF-8 safe across
// chunk boundaries, and text that could be the start of a frame split over two chunks is held back until it is known.
import { StringDecoder } from 'node:string_decoder';
import { prefixOf } from './shell-script';

export interface Frame {
  nonce: string;
  kind: string;
  payload: string;
}

export class FrameScanner {
  private decoder = new StringDecoder('utf8');
  private buf = '';
  private readonly watched = new Set<string>();

  constructor(
    private readonly onText: (text: string) => void,
    private readonly onFrame: (frame: Frame) => void,
  ) {}

  watch(nonce: string): void {
    this.watched.add(nonce);
    this.scan();
  }

  unwatch(nonce: string): void {
    this.watched.delete(nonce);
  }

  /** Drops held-back text (between commands, when nobody is listening). */
  reset(): void {
    this.buf = '';
    this.watched.clear();
  }

  push(chunk: Buffer | string): void {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.scan();
  }

  /** Emits whatever is held back (the stream ended). */
  flush(): void {
    const rest = this.buf + this.decoder.end();
    this.buf = '';
    if (rest) this.onText(rest);
  }

  private scan(): void {
    for (;;) {
      let at = -1;
      let nonce = '';
      for (const n of this.watched) {
        const i = this.buf.indexOf(prefixOf(n));
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          nonce = n;
        }
      }
      if (at < 0) {
        const hold = this.partialPrefixLength();
        const text = this.buf.slice(0, this.buf.length - hold);
        this.buf = this.buf.slice(this.buf.length - hold);
        if (text) this.onText(text);
        return;
      }
      const p = prefixOf(nonce);
      const close = this.buf.indexOf(p + '.', at + p.length + 1);
      if (at > 0) {
        this.onText(this.buf.slice(0, at));
        this.buf = this.buf.slice(at);
        continue;
      }
      if (close < 0 || this.buf.length < p.length + 1) return; // frame not complete yet
      const kind = this.buf[p.length]!;
      const payload = this.buf.slice(p.length + 1, close);
      this.buf = this.buf.slice(close + p.length + 1);
      this.onFrame({ nonce, kind, payload });
    }
  }

  /** Length of the longest tail of the buffer that is the beginning of a watched marker. */
  private partialPrefixLength(): number {
    let best = 0;
    for (const n of this.watched) {
      const p = prefixOf(n);
      const max = Math.min(p.length - 1, this.buf.length);
      for (let k = max; k > best; k--) {
        if (p.startsWith(this.buf.slice(this.buf.length - k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}
