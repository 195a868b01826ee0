// ProcessHandle over a RawProcess: UTF-8 decoding that is safe across chunks, and output/exit kept until the first
// listener subscribes (the process registry subscribes right after `spawn` resolves).
import { StringDecoder } from 'node:string_decoder';
import type { ProcessHandle } from './types';
import type { RawProcess } from './host';

export class RawProcessHandle implements ProcessHandle {
  private decoder = new StringDecoder('utf8');
  private dataCbs: ((chunk: string) => void)[] = [];
  private exitCbs: ((code: number | null, signal?: string) => void)[] = [];
  private pending: string[] = [];
  private exited?: { code: number | null; signal?: string };

  constructor(
    private readonly raw: RawProcess,
    readonly pid: number | undefined,
    private readonly killer: (signal: NodeJS.Signals) => void,
    /** Bytes that arrived with the pid announcement, already past it. */
    firstChunk?: Buffer,
  ) {
    if (firstChunk?.length) this.emit(this.decoder.write(firstChunk));
    raw.onData((b) => this.emit(this.decoder.write(b)));
    raw.onStderr((b) => this.emit(this.decoder.write(b)));
    raw.onExit((code, signal) => {
      this.emit(this.decoder.end());
      this.exited = { code, signal };
      for (const cb of this.exitCbs) cb(code, signal);
    });
  }

  private emit(text: string): void {
    if (!text) return;
    if (this.dataCbs.length) for (const cb of this.dataCbs) cb(text);
    else this.pending.push(text);
  }

  onData(cb: (chunk: string) => void): void {
    this.dataCbs.push(cb);
    const p = this.pending;
    this.pending = [];
    for (const t of p) cb(t);
  }

  onExit(cb: (exitCode: number | null, signal?: string) => void): void {
    this.exitCbs.push(cb);
    if (this.exited) cb(this.exited.code, this.exited.signal);
  }

  write(data: string): void {
    this.raw.write(data);
  }

  closeStdin(): void {
    this.raw.end();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exited) this.killer(signal);
  }
}
