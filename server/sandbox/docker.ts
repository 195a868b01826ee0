// The Docker backend: a hardened persistent container (docker-container.ts), the persistent shell as a `docker exec`
// on a tty with hijacked stdin/stdout, helpers and background processes as further execs, and file operations as
// small scripts run as the container user (exec-fs.ts).
import { engineHint } from './container';
import type Docker from 'dockerode';
import { loadDockerode } from './lazy-modules';
import type { Duplex } from 'node:stream';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import { Pipe, type RawProcess, type RunOptions, type ShellHost } from './host';
import { ShellSession } from './shell-session';
import { shellArgv } from './shell-script';
import { ExecFs } from './exec-fs';
import { passthroughEnv } from './env-scrub';
import { RemoteSandbox } from './remote';
import {
  acquireContainer,
  CONTAINER_HOME,
  dockerSocketPath,
  planContainer,
  prepareWorkspace,
  WORKSPACE,
} from './docker-container';

type TerminalConfig = HermesConfig['terminal'];

/** Splits Docker's multiplexed exec stream (8-byte headers: stream type, 3 zero bytes, big-endian length). */
class Demuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly out: (b: Buffer) => void, private readonly err: (b: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) return;
      const payload = this.buf.subarray(8, 8 + len);
      (this.buf[0] === 2 ? this.err : this.out)(payload);
      this.buf = this.buf.subarray(8 + len);
    }
  }
}

export class DockerHost implements ShellHost {
  constructor(
    private readonly container: Docker.Container,
    private readonly user: string,
    private readonly restart: () => Promise<void>,
  ) {}

  openTerminal(argv: string[], opts: RunOptions): Promise<RawProcess> {
    return this.exec(argv, { ...opts, tty: true });
  }

  run(argv: string[], opts: RunOptions = {}): Promise<RawProcess> {
    return this.exec(argv, opts);
  }

  private async exec(argv: string[], opts: RunOptions): Promise<RawProcess> {
    const tty = !!opts.tty;
    const create = () =>
      this.container.exec({
        Cmd: argv,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: tty,
        User: this.user,
        Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      });
    let e: Docker.Exec;
    try {
      e = await create();
    } catch (err) {
      // Stopped behind our back (engine restart, `docker stop`): start it again once.
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      await this.restart();
      e = await create();
    }
    const stream = (await e.start({ hijack: true, stdin: true, Tty: tty })) as unknown as Duplex;
    const pipe = new Pipe({
      write: (d) => {
        if (!stream.destroyed) stream.write(d);
      },
      end: () => {
        if (!stream.destroyed) stream.end();
      },
      destroy: () => stream.destroy(),
    });
    stream.on('error', () => undefined);
    if (tty) {
      stream.on('data', (b: Buffer) => pipe.emitData(b));
      e.resize({ h: 50, w: 200 }).catch(() => undefined);
    } else {
      const demux = new Demuxer((b) => pipe.emitData(b), (b) => pipe.emitStderr(b));
      stream.on('data', (b: Buffer) => demux.push(b));
    }
    let ended = false;
    const onEnd = async () => {
      if (ended) return;
      ended = true;
      let code: number | null = null;
      for (let i = 0; i < 40; i++) {
        try {
          const info = await e.inspect();
          if (!info.Running) {
            code = info.ExitCode ?? null;
            break;
          }
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      pipe.emitExit(code);
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    return pipe;
  }
}

export interface DockerSandboxOptions {
  terminal: TerminalConfig;
  hermesHome: string;
  /** Thread id, or 'host' for docker_scope: host. */
  scopeId: string;
  /** Where the shell starts when it is a path under /workspace; otherwise /workspace. */
  cwd?: string;
  log: Logger;
  /** Parent environment, for `terminal.env_passthrough` (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class DockerSandbox extends RemoteSandbox {
  readonly kind = 'docker' as const;
  readonly description: string;

  private constructor(
    host: DockerHost,
    session: ShellSession,
    private readonly release: () => Promise<void>,
    name: string,
    image: string,
  ) {
    super(host, session, new ExecFs(host), CONTAINER_HOME);
    this.description = `docker container ${name} (${image})`;
  }

  static async create(o: DockerSandboxOptions): Promise<DockerSandbox> {
    const socketPath = dockerSocketPath(o.terminal, o.env ?? process.env);
    const docker = new (loadDockerode())({ socketPath });
    const extraEnv = passthroughEnv(o.env ?? process.env, o.terminal.env_passthrough);
    const plan = planContainer({ terminal: o.terminal, hermesHome: o.hermesHome, scopeId: o.scopeId, socketPath, env: extraEnv });
    prepareWorkspace(plan.workspaceHost, plan.spec.User ?? '1000:1000');
    try {
      await docker.ping();
    } catch (err) {
      throw new Error(`the Docker engine at ${socketPath} does not answer (${(err as Error).message})${engineHint(socketPath)}`);
    }
    const { container, release } = await acquireContainer(docker, socketPath, plan, o.log);
    const host = new DockerHost(container, plan.spec.User!, async () => {
      await container.start().catch(() => undefined);
    });
    const cwd = o.cwd && (o.cwd === WORKSPACE || o.cwd.startsWith(WORKSPACE + '/')) ? o.cwd : WORKSPACE;
    const session = new ShellSession({
      host,
      argv: shellArgv(o.terminal.shell || 'bash', true),
      cwd,
      env: { HOME: CONTAINER_HOME, HERMES_SANDBOX: 'docker', TERM: 'xterm-256color', ...extraEnv },
      log: o.log.child('docker-shell'),
    });
    return RemoteSandbox.started(new DockerSandbox(host, session, release, plan.name, plan.image));
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.release();
  }
}
