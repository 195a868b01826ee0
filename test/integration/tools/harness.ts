// The real tools over a real SandboxManager for one backend: what the contract suite drives. Each test gets its own
// thread (so its own persistent shell) in a fresh directory inside the sandbox, and a context that records streamed
// output and item updates. Approvals are answered by a permissive recording gate here; the real broker has its own
// case in the contract.
import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import { defaultConfig, type HermesConfig } from '../../../server/config/schema';
import { createSandboxManager } from '../../../server/sandbox/manager';
import type { ExecResult, Sandbox, SandboxKind, SandboxManager } from '../../../server/sandbox/types';
import { createPatchTool } from '../../../server/tools/files/patch';
import { createReadFileTool } from '../../../server/tools/files/read-file';
import { createSearchFilesTool } from '../../../server/tools/files/search-files';
import { createWriteFileTool } from '../../../server/tools/files/write-file';
import { createProcessTool } from '../../../server/tools/process';
import { ProcessRegistry } from '../../../server/tools/process-registry';
import { createTerminalTool } from '../../../server/tools/terminal';
import type { Tool, ToolResult } from '../../../server/tools/types';
import { silentLogger } from '../../../server/util/log';
import { makeCtx, RecordingGate, type TestContext } from '../../unit/tools/helpers/context';

export interface ToolBackend {
  kind: SandboxKind;
  /** The backend's `terminal` settings (backend, image, ssh target, …); merged over the defaults. */
  terminal: Partial<HermesConfig['terminal']>;
  hermesHome: string;
  /** A writable directory inside the sandbox owned by this suite; every test works in a fresh subdirectory. */
  root: string;
  /** Whether `rg` runs inside this sandbox (search_files then uses it; otherwise the built-in walker). */
  ripgrep: boolean;
  /** The uid commands run as inside the sandbox. */
  uid: number;
  /** Whether a killed background process reports the signal that ended it (a `docker exec` reports only an exit
   * status). */
  killSignal: boolean;
  /** Where a path inside the sandbox lies on this machine, to check that file tools wrote through the backend. */
  hostPath(sandboxPath: string): string;
}

export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Whether a program is on this machine's PATH (local shells inherit it; sshd's default PATH has the same
 * standard directories). */
export function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function configFor(backend: ToolBackend): HermesConfig {
  const config = defaultConfig();
  config.terminal = { ...config.terminal, ...backend.terminal, backend: backend.kind };
  return config;
}

/** One test's view: its thread, directory, sandbox, context, and helpers to call tools and run raw commands. */
export interface Scene {
  threadId: string;
  /** Absolute directory inside the sandbox; the thread's shell starts here. */
  dir: string;
  sb: Sandbox;
  ctx: TestContext;
  /** `dir/rel`. */
  at(rel: string): string;
  /** Runs a tool in this thread. */
  call<A>(tool: Tool<A>, args: A): Promise<ToolResult>;
  /** Runs a command in the thread's shell directly (fixtures and checks, not under test). */
  sh(command: string): Promise<ExecResult>;
  /** Writes a fixture file through the backend's file API. */
  put(rel: string, content: string | Buffer): Promise<void>;
}

export class ToolHarness {
  readonly config: HermesConfig;
  readonly manager: SandboxManager;
  readonly processes = new ProcessRegistry({ killGraceMs: 500 });
  readonly gate = new RecordingGate();
  readonly terminal;
  readonly process;
  readonly readFile;
  readonly writeFile;
  readonly patch;
  /** search_files as configured in the host (ripgrep when the sandbox has it). */
  readonly search;
  /** search_files forced onto the built-in walker. */
  readonly searchWalker;
  private count = 0;
  private threads: string[] = [];

  constructor(readonly backend: ToolBackend) {
    this.config = configFor(backend);
    this.manager = createSandboxManager({ config: this.config, hermesHome: backend.hermesHome, log: silentLogger });
    const deps = { sandboxes: this.manager, approvals: this.gate };
    this.terminal = createTerminalTool({ ...deps, processes: this.processes });
    this.process = createProcessTool({ processes: this.processes, approvals: this.gate });
    this.readFile = createReadFileTool(deps);
    this.writeFile = createWriteFileTool(deps);
    this.patch = createPatchTool(deps);
    this.search = createSearchFilesTool(deps);
    this.searchWalker = createSearchFilesTool({ ...deps, ripgrep: 'never' });
  }

  /** A keeper sandbox opened first and closed last: it makes the test directories and, on Docker with one
   * container for the host, keeps that container running between tests. */
  private admin(): Promise<Sandbox> {
    return this.manager.get('admin', this.backend.root);
  }

  async start(): Promise<void> {
    const sb = await this.admin();
    await sb.mkdir(this.backend.root, { recursive: true });
  }

  /** A fresh thread whose shell is in a fresh directory `root/<name>-<n>`. */
  async scene(name: string, config: HermesConfig = this.config): Promise<Scene> {
    const n = ++this.count;
    const threadId = `t${n}-${name.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 40);
    const dir = posix.join(this.backend.root, `${n}-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    await (await this.admin()).mkdir(dir, { recursive: true });
    this.threads.push(threadId);
    const sb = await this.manager.get(threadId, dir);
    // SSH shells start in terminal.cwd whatever the thread's folder: move this one to the test's directory.
    if (sb.cwd() !== dir) {
      const r = await sb.exec(`cd ${shq(dir)}`, { timeoutMs: 15_000 });
      if (r.exitCode !== 0) throw new Error(`cannot cd to ${dir}: ${r.output}`);
    }
    const ctx = makeCtx(dir, { threadId, config });
    return {
      threadId,
      dir,
      sb,
      ctx,
      at: (rel) => posix.join(dir, rel),
      call: (tool, args) => tool.run(args, ctx),
      sh: (command) => sb.exec(command, { timeoutMs: 30_000 }),
      put: (rel, content) => sb.writeFile(posix.join(dir, rel), content),
    };
  }

  /** Closes the shells of the threads made since the last call (the keeper stays). */
  async releaseThreads(): Promise<void> {
    const ids = this.threads.splice(0);
    await Promise.all(ids.map((id) => this.manager.release(id)));
  }

  async close(): Promise<void> {
    await this.processes.stopAll();
    await this.releaseThreads();
    await this.manager.closeAll();
  }
}
