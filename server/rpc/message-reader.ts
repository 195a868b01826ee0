// The host's JSON-RPC MessageReader (in place of vscode-jsonrpc's StreamMessageReader, which wedges on a bad
// header and buffers an unterminated one without bound). Frames come from FrameParser; each body must be UTF-8
// JSON shaped like a JSON-RPC 2.0 message. Anything else is reported through onError as a FramingError, which
// the connection answers with a JSON-RPC error; a fatal one also ends that connection (and only that one).
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-jsonrpc/node';
import { FrameParser, type FrameProblemKind } from './frame-parser';

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class FramingError extends Error {
  constructor(
    message: string,
    readonly kind: FrameProblemKind,
    /** The id of the request this answers, when it could be read; null otherwise (JSON-RPC's rule). */
    readonly id: string | number | null,
    /** The connection cannot continue. */
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the top-level `"id"` of a JSON object from its first bytes, stopping at the first nested value. */
export function sniffId(prefix: Buffer): string | number | null {
  const s = prefix.toString('utf8');
  const token = /\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,])/y;
  const next = (): string | undefined => token.exec(s)?.[1];
  if (next() !== '{') return null;
  for (;;) {
    const key = next();
    if (!key?.startsWith('"') || next() !== ':') return null;
    const value = next();
    if (value === undefined || value === '{' || value === '[') return null;
    if (JSON.parse(key) === 'id') {
      const v = JSON.parse(value);
      return typeof v === 'string' || typeof v === 'number' ? v : null;
    }
    if (next() !== ',') return null;
  }
}

/** Checks a parsed body is one JSON-RPC 2.0 message; returns what is wrong, or undefined. */
function shapeProblem(msg: unknown): string | undefined {
  if (Array.isArray(msg)) return 'batch requests are not supported: send one message per frame';
  if (!msg || typeof msg !== 'object') return 'a message must be a JSON object';
  const m = msg as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return 'missing or wrong "jsonrpc" (must be "2.0")';
  if ('method' in m && typeof m.method !== 'string') return '"method" must be a string';
  if ('id' in m && m.id !== null && typeof m.id !== 'string' && typeof m.id !== 'number') return '"id" must be a string, a number or null';
  if (!('method' in m) && !('id' in m)) return 'neither a request, a notification nor a response (no "method", no "id")';
  return undefined;
}

export class HostMessageReader extends AbstractMessageReader {
  readonly parser: FrameParser;
  private callback?: DataCallback;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    super();
    this.parser = new FrameParser(maxMessageBytes);
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    const off = () => {
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    };
    this.stop = off;
    return Disposable.create(off);
  }

  private stop = () => {};

  /** Exposed for tests that feed bytes directly. */
  onData(chunk: Buffer): void {
    for (const ev of this.parser.push(chunk)) {
      if (ev.type === 'problem') {
        const id = ev.bodyPrefix ? sniffId(ev.bodyPrefix) : null;
        this.fireError(new FramingError(ev.message, ev.kind, id, ev.fatal));
        if (ev.fatal) {
          // Nothing more is read from a stream that cannot be resynchronised.
          this.stop();
          if ('pause' in this.readable) this.readable.pause();
        }
        continue;
      }
      this.deliver(ev.body);
    }
  }

  private deliver(body: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(utf8.decode(body));
    } catch (e) {
      const why = e instanceof SyntaxError ? e.message : 'body is not valid UTF-8';
      // JSON-RPC: a parse error is answered with id null, even when an id seems readable in the broken text.
      this.fireError(new FramingError(`body is not JSON: ${why}`, 'ParseError', null, false));
      return;
    }
    const problem = shapeProblem(msg);
    if (problem) {
      const id = (msg as { id?: unknown })?.id;
      this.fireError(new FramingError(problem, 'InvalidRequest', typeof id === 'string' || typeof id === 'number' ? id : null, false));
      return;
    }
    this.callback?.(msg as Message);
  }
}
