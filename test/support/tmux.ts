// A real terminal for tests of interactive commands: a tmux server of its own (its socket in the test's own temp
// folder, so nothing of the user's tmux is touched and nothing is left behind) runs the command in a pane of a fixed size; tests type with send-keys and read the screen
// with capture-pane, polling until what they expect is drawn.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TmuxTerminal {
  private constructor(
    private readonly socket: string,
    readonly dir: string,
  ) {}

  /**
   * Runs `argv` in a new pane of `cols`×`rows` with `env` added. When the command ends the pane stays and shows
   * `[exited <code>]`, so a test can check how it ended.
   */
  static start(argv: string[], opts: { env?: Record<string, string>; cwd?: string; cols?: number; rows?: number } = {}): TmuxTerminal {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-tmux-'));
    const socket = join(dir, 'tmux.sock');
    const script = join(dir, 'run.sh');
    const exports = Object.entries({ TERM: 'xterm-256color', ...opts.env })
      .map(([k, v]) => `export ${k}=${quote(v)}`)
      .join('\n');
    writeFileSync(
      script,
      `${exports}\ncd ${quote(opts.cwd ?? dir)}\n${argv.map(quote).join(' ')} 2>${quote(join(dir, 'stderr.log'))}\necho "[exited $?]"\nexec sleep 3600\n`,
    );
    const t = new TmuxTerminal(socket, dir);
    t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(opts.cols ?? 110), '-y', String(opts.rows ?? 40), `bash ${quote(script)}`);
    // Scrollback keeps what scrolled off the top (Ink writes finished entries there).
    t.tmux('set-option', '-t', 'main', 'history-limit', '5000');
    return t;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
  }

  /** The screen and its scrollback as plain text (wrapped lines joined). */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'main', '-S', '-5000');
  }

  /** The visible screen only. */
  visible(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'main');
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Sends tmux key names: Enter, C-c, Up, Escape, M-Enter, Tab … */
  keys(...names: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...names);
  }

  /** Clears the scrollback, so later waits see only what is drawn after this. */
  clearHistory(): void {
    this.tmux('clear-history', '-t', 'main');
  }

  /** Polls the screen (with scrollback) until `pred` holds; fails with the screen when it does not in time. */
  async waitFor(pred: RegExp | string | ((screen: string) => boolean), timeoutMs = 20_000, what?: string): Promise<string> {
    const test = typeof pred === 'function' ? pred : typeof pred === 'string' ? (s: string) => s.includes(pred) : (s: string) => pred.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen();
      if (test(last)) return last;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    let stderr = '';
    try {
      stderr = execFileSync('cat', [join(this.dir, 'stderr.log')], { encoding: 'utf8' });
    } catch {}
    throw new Error(`timed out waiting for ${what ?? String(pred)}; screen:\n${last}\nstderr:\n${stderr}`);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {}
    rmSync(this.dir, { recursive: true, force: true });
  }
}
