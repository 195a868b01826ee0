// LSP base-protocol framing (`Content-Length: N\r\n\r\n<N bytes>`), parsed incrementally and defensively.
// Every input byte is looked at a bounded number of times (header bytes once, body bytes only copied), the header
// block and the frame have hard limits, and a malformed frame yields a problem report instead of wedging the
// stream. What happens after a problem depends on whether the frame's end is still known:
//   - known (valid Content-Length): the body is skipped and parsing continues with the next frame;
//   - unknown (missing or invalid Content-Length): bytes are discarded up to the next `Content-Length:`;
//   - hopeless (header block past its limit, bytes that cannot be a header): the stream is given up (`fatal`).

export const HEADER_LIMIT = 8 * 1024;
/** An oversize body is skipped (and the stream resumes after it) only up to this many times the limit; a client
 *  announcing more is not worth reading and is disconnected. */
const SKIP_FACTOR = 64;
/** How much of an oversize body is kept to find the request id the error answers. */
const SNIFF_BYTES = 512;

export type FrameProblemKind = 'ParseError' | 'InvalidRequest';

export type FrameEvent =
  | { type: 'frame'; body: Buffer }
  | {
      type: 'problem';
      kind: FrameProblemKind;
      message: string;
      /** The stream cannot be resynchronised: the caller should answer and close the connection. */
      fatal: boolean;
      /** The first bytes of the offending body, when there is one (to recover the request id). */
      bodyPrefix?: Buffer;
    };

const CR = 13;
const LF = 10;
const RESYNC = Buffer.from('content-length:');

type State =
  | { s: 'header' }
  | { s: 'body'; length: number; chunks: Buffer[]; have: number }
  | { s: 'skip'; left: number; prefix: Buffer[]; prefixLen: number; reported: boolean; report: Omit<Extract<FrameEvent, { type: 'problem' }>, 'type'> }
  | { s: 'resync'; matched: number; discarded: number }
  | { s: 'dead' };

export class FrameParser {
  /** Bytes examined one by one plus chunks copied: a measure of work for tests (linear in the input). */
  work = 0;
  private state: State = { s: 'header' };
  private readonly header = Buffer.alloc(HEADER_LIMIT);
  private headerLen = 0;
  /** How much of "\r\n\r\n" the header block currently ends with. */
  private term = 0;

  constructor(readonly maxMessageBytes: number) {}

  get dead(): boolean {
    return this.state.s === 'dead';
  }

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let i = 0;
    while (i < chunk.length && this.state.s !== 'dead') {
      const st = this.state;
      if (st.s === 'header') i = this.readHeader(chunk, i, out);
      else if (st.s === 'body') {
        const take = Math.min(st.length - st.have, chunk.length - i);
        st.chunks.push(chunk.subarray(i, i + take));
        st.have += take;
        i += take;
        this.work++;
        if (st.have === st.length) {
          out.push({ type: 'frame', body: st.chunks.length === 1 ? Buffer.from(st.chunks[0]) : Buffer.concat(st.chunks, st.length) });
          this.state = { s: 'header' };
        }
      } else if (st.s === 'skip') {
        const take = Math.min(st.left, chunk.length - i);
        if (st.prefixLen < SNIFF_BYTES) {
          const keep = chunk.subarray(i, i + Math.min(take, SNIFF_BYTES - st.prefixLen));
          st.prefix.push(Buffer.from(keep));
          st.prefixLen += keep.length;
        }
        st.left -= take;
        i += take;
        this.work++;
        // Answer as soon as the id can be known, not after the whole (possibly huge) body went by.
        if (!st.reported && (st.prefixLen >= SNIFF_BYTES || st.left === 0)) {
          st.reported = true;
          out.push({ type: 'problem', ...st.report, bodyPrefix: Buffer.concat(st.prefix) });
        }
        if (st.left === 0) this.state = { s: 'header' };
      } else if (st.s === 'resync') i = this.resync(st, chunk, i, out);
    }
    return out;
  }

  private readHeader(chunk: Buffer, i: number, out: FrameEvent[]): number {
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      this.work++;
      // Stray line breaks between frames are tolerated (some clients end a body with a newline).
      if (this.headerLen === 0 && (b === CR || b === LF)) continue;
      if (this.headerLen === HEADER_LIMIT) {
        this.die(out, 'ParseError', `header block longer than ${HEADER_LIMIT} bytes without its blank-line terminator`);
        return chunk.length;
      }
      this.header[this.headerLen++] = b;
      this.term = b === (this.term % 2 === 0 ? CR : LF) ? this.term + 1 : b === CR ? 1 : 0;
      if (this.term === 4) {
        const text = this.header.toString('latin1', 0, this.headerLen - 4);
        this.headerLen = 0;
        this.term = 0;
        this.onHeader(text, out);
        return i + 1;
      }
    }
    return i;
  }

  private onHeader(text: string, out: FrameEvent[]): void {
    if (/[^\t\r\n\x20-\x7e]/.test(text)) {
      return this.die(out, 'ParseError', 'garbage where a header was expected (control or non-ASCII bytes)');
    }
    let length: number | undefined;
    let lengthProblem: string | undefined;
    let lineProblem: string | undefined;
    let typeProblem: string | undefined;
    const lines = text.split('\r\n');
    lines.forEach((line, n) => {
      const colon = line.indexOf(':');
      if (colon <= 0) {
        lineProblem ??= `header line ${n + 1} has no "name: value" form: ${JSON.stringify(line.slice(0, 80))}`;
        return;
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,16}$/.test(value)) lengthProblem ??= `Content-Length is not a non-negative integer: ${JSON.stringify(value.slice(0, 40))}`;
        else if (length !== undefined && length !== Number(value)) lengthProblem ??= 'Content-Length given twice with different values';
        else length = Number(value);
      } else if (name === 'content-type') {
        const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(value)?.[1]?.toLowerCase();
        if (charset && charset !== 'utf-8' && charset !== 'utf8') typeProblem ??= `unsupported charset ${charset} (only utf-8)`;
      }
    });
    if (lengthProblem || length === undefined) {
      // Where this frame ends is unknown: drop bytes until something that looks like the next frame.
      out.push({ type: 'problem', kind: 'ParseError', message: lengthProblem ?? 'header block without Content-Length', fatal: false });
      this.state = { s: 'resync', matched: 0, discarded: 0 };
      return;
    }
    if (length > this.maxMessageBytes * SKIP_FACTOR) {
      return this.die(out, 'InvalidRequest', `message of ${length} bytes exceeds the limit of ${this.maxMessageBytes} bytes (rpc.max_message_bytes) too far to skip`);
    }
    const tooBig = length > this.maxMessageBytes ? `message of ${length} bytes exceeds the limit of ${this.maxMessageBytes} bytes (rpc.max_message_bytes)` : undefined;
    const problem = tooBig ?? lineProblem ?? typeProblem;
    if (problem) {
      const report = { kind: 'InvalidRequest' as const, message: problem, fatal: false };
      if (length === 0) out.push({ type: 'problem', ...report, bodyPrefix: Buffer.alloc(0) });
      else this.state = { s: 'skip', left: length, prefix: [], prefixLen: 0, reported: false, report };
      return;
    }
    if (length === 0) {
      out.push({ type: 'frame', body: Buffer.alloc(0) });
      return;
    }
    this.state = { s: 'body', length, chunks: [], have: 0 };
  }

  private resync(st: Extract<State, { s: 'resync' }>, chunk: Buffer, i: number, out: FrameEvent[]): number {
    for (; i < chunk.length; i++) {
      this.work++;
      const c = chunk[i] | 0x20; // ASCII lower case; ':' and '-' are unaffected
      // The pattern has no repeated prefix, so a mismatch restarts at 0 (or 1 when it is the first letter again).
      st.matched = c === RESYNC[st.matched] ? st.matched + 1 : c === RESYNC[0] ? 1 : 0;
      if (++st.discarded > this.maxMessageBytes + HEADER_LIMIT) {
        this.die(out, 'ParseError', `no frame header found in ${st.discarded} bytes after a malformed one`);
        return chunk.length;
      }
      if (st.matched === RESYNC.length) {
        RESYNC.copy(this.header, 0);
        this.headerLen = RESYNC.length;
        this.term = 0;
        this.state = { s: 'header' };
        return i + 1;
      }
    }
    return i;
  }

  private die(out: FrameEvent[], kind: FrameProblemKind, message: string): void {
    out.push({ type: 'problem', kind, message, fatal: true });
    this.state = { s: 'dead' };
  }
}
