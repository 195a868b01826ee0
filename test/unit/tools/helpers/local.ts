// The real local backend (persistent bash on node-pty) for the tool tests, with the calls recorded so a test can
// prove a refused command never reached the shell.
import { defaultConfig } from '../../../../server/config/schema';
import { LocalSandbox } from '../../../../server/sandbox/local';
import type { ExecOptions, ExecResult, ProcessHandle, SpawnOptions } from '../../../../server/sandbox/types';
import type { Logger } from '../../../../server/util/log';
import { TestSandboxManager } from './test-sandbox';

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
export class LocalTestManager extends TestSandboxManager<RecordingLocalSandbox> {
  constructor() {
    super((cwd) => new RecordingLocalSandbox(cwd));
  }
}
