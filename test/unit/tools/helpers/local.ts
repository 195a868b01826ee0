// The real local backend (persistent bash on node-pty) for the tool tests, with the calls recorded so a test can
// prove a refused command never reached the shell.
import { defaultConfig } from '../../../../server/config/schema';
import { LocalSandbox } from '../../../../server/sandbox/local';
import type { ExecOptions, ExecResult, ProcessHandle, Sandbox, SandboxManager, SpawnOptions } from '../../../../server/sandbox/types';
import type { Logger } from '../../../../server/util/log';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export class RecordingLocalSandbox extends LocalSandbox {
  execCalls: string[] = [];
  spawnCalls: string[] = [];

  constructor(cwd: string) {
    super({ cwd, terminal: defaultConfig().terminal, log: silent });
  }

  override exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    this.execCalls.push(command);
    return super.exec(command, opts);
  }

  override spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle> {
    this.spawnCalls.push(command);
    return super.spawn(command, opts);
  }
}

/** One real local sandbox per thread. */
export class LocalTestManager implements SandboxManager {
  readonly sandboxes = new Map<string, RecordingLocalSandbox>();
  async get(threadId: string, cwd: string): Promise<Sandbox> {
    let s = this.sandboxes.get(threadId);
    if (!s) {
      s = new RecordingLocalSandbox(cwd);
      this.sandboxes.set(threadId, s);
    }
    return s;
  }
  async release(threadId: string): Promise<void> {
    await this.sandboxes.get(threadId)?.close();
    this.sandboxes.delete(threadId);
  }
  async closeAll(): Promise<void> {
    for (const id of [...this.sandboxes.keys()]) await this.release(id);
  }
  async check() {
    return { ok: true, message: 'local' };
  }
}
