// hermes-host: the agent host. With no subcommand it serves JSON-RPC on stdio (how editors start it) or, with
// --listen, on a unix socket that several clients can attach to.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findWorkspaceRoot } from './config/workspace-root';
import { applyProfile, homePaths, ensureHome } from './config/home';
import { ConfigError, getConfigValue, loadConfig, setConfigValue } from './config/load';
import { publicConfig } from './config/public';
import { VERSION } from './version';
import { createLogger } from './util/log';
import { skillsCommand } from './cli/skills';
import { approvalsCommand } from './cli/approvals';
import { gatewayCommand, pairingCommand } from './cli/gateway';
import { cronCommand } from './cli/cron';
import { mcpCommand } from './cli/mcp';

function fail(e: unknown): never {
  const msg = e instanceof ConfigError ? e.message : `hermes-host: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
  process.exit(e instanceof ConfigError ? 2 : 1);
}

let resolvedHome: string | undefined;
function home(cmd: Command): string {
  if (resolvedHome) return resolvedHome;
  const o = cmd.optsWithGlobals() as { home?: string; profile?: string };
  if (o.home) process.env.HERMES_HOME = o.home;
  try {
    resolvedHome = applyProfile(o.profile);
  } catch (e) {
    fail(e);
  }
  return resolvedHome;
}

/** Becomes the owner of HERMES_HOME and builds the host, or says who owns it. Only owners construct a Host. */
async function openOwnedHost(hermesHome: string, mode: string, socketPath: string | undefined, opts: { stderrLog?: boolean; cwd?: string } = {}) {
  ensureHome(hermesHome);
  const { acquireOwnership } = await import('./owner/lock');
  const socket = socketPath ?? homePaths(hermesHome).socket;
  const own = acquireOwnership(hermesHome, { mode, socket, version: VERSION });
  if (!own.owned) return { host: null, holder: own.holder } as const;
  try {
    // A --listen path that is taken (a live host of another home, or something that is not a socket) is refused
    // before the host opens its database, so a refused start changes nothing.
    if (mode === 'listen' || mode === 'gateway') await (await import('./rpc/serve')).claimSocketPath(socket);
    const { Host } = await import('./host');
    const level = safeLevel(hermesHome);
    const log = createLogger({ file: homePaths(hermesHome).log, stderr: !!opts.stderrLog, level });
    const host = new Host({ hermesHome, log, workspaceRoot: opts.cwd, owner: own.lock });
    return { host, holder: null } as const;
  } catch (e) {
    own.lock.release();
    throw e;
  }
}

function safeLevel(hermesHome: string) {
  try {
    return loadConfig(homePaths(hermesHome).config).config.logging.level;
  } catch {
    return 'info' as const;
  }
}

async function serve(cmd: Command, opts: { stdio?: boolean; listen?: string | boolean; gateway?: boolean }) {
  const hermesHome = home(cmd);
  // The gateway is the owning host plus the chat platforms: it always serves the socket too.
  if (opts.gateway) opts.listen ??= true;
  const mode = opts.gateway ? 'gateway' : opts.listen ? 'listen' : 'stdio';
  const socketPath = typeof opts.listen === 'string' ? resolve(opts.listen) : undefined;
  const { host, holder } = await openOwnedHost(hermesHome, mode, socketPath, { stderrLog: true });
  if (!host) {
    const { describeOwner } = await import('./owner/lock');
    if (mode === 'stdio' && holder?.socket) {
      // An editor spawned us while another process owns the home: relay to the owner instead of opening a second host.
      const { relayStdio } = await import('./owner/relay');
      process.exit(await relayStdio(holder.socket));
    }
    fail(new Error(`HERMES_HOME ${hermesHome} is already owned by ${describeOwner(holder)}. Attach to it (hermes-host chat, VS Code) or stop it first.`));
  }
  let closing = false;
  let stopGateway: (() => Promise<void>) | undefined;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    await stopGateway?.().catch(() => {});
    await host.close().catch(() => {});
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  // The scheduler runs in long-lived owners only (not in a CLI command's short-lived in-process owner).
  (await import('./cron')).startCron(host);
  const { serveSocket, serveStdio } = await import('./rpc/serve');
  const path = socketPath ?? host.paths.socket;
  try {
    await serveSocket(host, path);
    host.log.info(`listening on ${path}`);
  } catch (e) {
    // --listen exists to serve the socket; a stdio host can still serve its editor without one.
    if (mode !== 'stdio') throw e;
    host.log.warn(`no attach socket: ${(e as Error).message}`);
  }
  // The OpenAI-compatible HTTP API (off unless configured) is part of the owning host.
  try {
    const api = await (await import('./api')).startApi(host);
    if (api && mode !== 'stdio') process.stderr.write(`HTTP API listening on ${api.url}\n`);
  } catch (e) {
    // An editor-spawned host keeps serving its editor, and an API enabled only by Hermes's API_SERVER_ENABLED (whose
    // gateway may hold the port) is reported; a host started to serve an API config.yaml enables refuses to start.
    if (mode === 'stdio' || (e as { fatal?: boolean }).fatal === false) {
      host.log.error(`HTTP API not started: ${(e as Error).message}`);
      if (mode !== 'stdio') process.stderr.write(`warning: HTTP API not started: ${(e as Error).message}\n`);
    } else {
      await host.close().catch(() => {});
      process.stderr.write(`hermes-host: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }
  if (mode === 'stdio') {
    // The editor that spawned us went away: stay while other clients are attached or turns run, then exit.
    serveStdio(host, () => host.exitWhenIdle(() => void shutdown(0)));
    return;
  }
  process.stderr.write(`hermes-host ${VERSION} listening on ${path} (HERMES_HOME=${host.hermesHome})\n`);
  // In a container without bwrap, commands run in the container itself: said once here, where `docker logs` shows it.
  if (host.config.terminal.backend === 'local') {
    const { notice } = (await import('./sandbox/local')).resolveConfinement({ terminal: host.config.terminal, cwd: process.cwd(), hermesHome: host.hermesHome });
    if (notice) process.stderr.write(`hermes-host: ${notice}\n`);
  }
  if (mode === 'gateway') {
    const { startGateway } = await import('./gateway');
    const gateway = await startGateway(host);
    stopGateway = () => gateway.stop();
    process.stderr.write(`gateway running: ${gateway.status().platforms.map((p) => p.platform).join(', ') || 'no platform configured'}\n`);
  }
}

/**
 * Runs `fn` against the owning host: attached over its socket when one runs, otherwise an owner started in this
 * process for the duration (holding the lock, serving the socket, so editors can attach meanwhile).
 */
async function withOwner<T>(cmd: Command, opts: { cwd?: string }, fn: (conn: import('./cli/rpc-client').HostConnection) => Promise<T>): Promise<T> {
  const hermesHome = home(cmd);
  const { currentOwner } = await import('./owner/lock');
  const { HostConnection } = await import('./cli/rpc-client');
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = currentOwner(hermesHome);
    if (owner) {
      const conn = await HostConnection.connect(owner.socket);
      try {
        return await fn(conn);
      } finally {
        conn.close();
      }
    }
    const { host } = await openOwnedHost(hermesHome, 'cli', undefined, { cwd: opts.cwd });
    if (!host) continue; // lost a race with another owner starting: attach to it
    const { serveSocket } = await import('./rpc/serve');
    await serveSocket(host, host.paths.socket);
    const conn = await HostConnection.connect(host.paths.socket);
    try {
      return await fn(conn);
    } finally {
      conn.close();
      await host.close();
    }
  }
  throw new Error(`could not start or attach to a host for ${hermesHome}`);
}

const program = new Command();
program
  .name('hermes-host')
  .description('A personal AI agent host: JSON-RPC on stdio (default) or a unix socket, plus CLI commands.')
  .version(VERSION, '-v, --version')
  .option('--home <dir>', 'HERMES_HOME to use (default $HERMES_HOME or ~/.hermes)')
  .option('-p, --profile <name>', 'use the profile HERMES_HOME/profiles/<name> (default $HERMES_PROFILE; "default" is HERMES_HOME itself)')
  .option('--stdio', 'serve JSON-RPC on stdin/stdout (the default)')
  .addOption(new Option('--listen [path]', 'serve JSON-RPC on a unix socket (default HERMES_HOME/host.sock)'))
  .option('--gateway', 'run the messaging gateway (Telegram, …) in this host; implies --listen')
  .action(async (opts, cmd: Command) => serve(cmd, opts).catch(fail));

program
  .command('chat')
  .description('chat in the terminal, or with -q run one turn and print the reply as it streams (attaches to the running host, or starts one)')
  .option('-q, --query <text>', 'what to ask (one turn, then exit); without it the interactive chat opens')
  .option('-m, --model <id>', 'model to use for this turn')
  .option('--cwd <dir>', 'working directory for the thread')
  .option('--thread <id>', 'continue an existing thread')
  .addOption(new Option('--busy <mode>', 'when the thread is running a turn').choices(['refuse', 'queue', 'interrupt', 'steer']))
  .option('--quiet', 'print only the reply, not tool activity')
  .option('--image <path>', 'send an image with the -q message (PNG, JPEG, GIF or WebP; repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .action(async (opts, cmd: Command) => {
    try {
      // The workspace is the git repository's root (its AGENTS.md applies); the thread runs where the user is.
      const cwd = resolve(opts.cwd ?? process.cwd());
      const workspace = findWorkspaceRoot(cwd);
      if (opts.query === undefined) {
        if (!process.stdin.isTTY || !process.stdout.isTTY) fail(new Error('chat without -q needs a terminal; use chat -q "…" in scripts'));
        const { loadTui } = await import('./cli/tui-loader');
        const { runTui } = await loadTui();
        const code = await withOwner(cmd, { cwd: workspace }, (conn) => runTui(conn, { cwd, workspace, model: opts.model, thread: opts.thread, busy: opts.busy }));
        process.exit(code);
      }
      const { runChat } = await import('./cli/chat');
      const code = await withOwner(cmd, { cwd: workspace }, (conn) =>
        runChat(conn, { query: opts.query, model: opts.model, cwd, workspace, thread: opts.thread, quiet: opts.quiet, busy: opts.busy, images: opts.image }),
      );
      process.exit(code);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('acp')
  .description('speak the Agent Client Protocol on stdio (Zed, JetBrains, …), attached to the running host or starting one')
  .action(async (_opts, cmd: Command) => {
    try {
      const { runAcpStdio } = await import('./acp/stdio');
      // The process's cwd is where the editor started the agent; sessions bring their own cwd.
      const cwd = process.cwd();
      process.exit(await withOwner(cmd, { cwd: findWorkspaceRoot(cwd) }, (conn) => runAcpStdio(conn)));
    } catch (e) {
      fail(e);
    }
  });

program
  .command('doctor')
  .description('check config, native modules, the model endpoint and the terminal backend (changes nothing)')
  .option('--json', 'print the checks as JSON')
  .action(async (opts, cmd: Command) => {
    try {
      const hermesHome = home(cmd);
      ensureHome(hermesHome);
      const { doctorHome, checkLine } = await import('./cli/doctor');
      const res = await doctorHome(hermesHome);
      if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else for (const c of res.checks) process.stdout.write(`${checkLine(c)}\n`);
      process.exit(res.ok ? 0 : 1);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('setup')
  .description('first-run wizard: provider, API key (.env, 0600), model from the endpoint, terminal backend, chat platforms, doctor')
  .option('--provider <name>', 'model provider (openrouter, openai, anthropic, ollama, custom, …)')
  .option('--base-url <url>', 'OpenAI-compatible endpoint (custom providers and local servers)')
  .option('--api-key <key>', 'the API key to store in HERMES_HOME/.env (prefer --api-key-env with the key in the environment)')
  .option('--api-key-env <name>', 'the variable holding the key (default: the provider\'s, e.g. OPENROUTER_API_KEY)')
  .option('--model <id>', 'model id for model.default')
  .addOption(new Option('--backend <name>', 'where commands run').choices(['local', 'docker', 'ssh']))
  .option('--ssh-host <host>', 'SSH host (with --backend ssh)')
  .option('--ssh-user <user>', 'SSH user (with --backend ssh)')
  .option('--telegram-token <token>', 'Telegram bot token for the gateway')
  .option('--discord-token <token>', 'Discord bot token for the gateway')
  .option('--slack-bot-token <token>', 'Slack bot token for the gateway')
  .option('--slack-app-token <token>', 'Slack app-level token for the gateway')
  .option('--non-interactive', 'ask nothing: every answer comes from flags (or stays as configured)')
  .option('--skip-doctor', 'do not run doctor at the end')
  .action(async (opts, cmd: Command) => {
    const { runSetup, SetupError } = await import('./cli/setup');
    const { terminalPrompter } = await import('./cli/prompt');
    const interactive = !opts.nonInteractive;
    if (interactive && !process.stdin.isTTY) fail(new Error('setup asks questions on a terminal; pass --non-interactive with flags in scripts'));
    const io = interactive ? terminalPrompter() : null;
    try {
      const code = await runSetup(home(cmd), opts, io, (l) => process.stdout.write(l + '\n'));
      io?.close();
      process.exit(code);
    } catch (e) {
      io?.close();
      if (e instanceof SetupError) {
        process.stderr.write(`hermes-host setup: ${e.message}\n`);
        process.exit(2);
      }
      fail(e);
    }
  });

const config = program.command('config').description('read, change and check config.yaml');
config
  .command('get [key]')
  .description('print the effective value of a dotted key (or the whole config)')
  .action((key: string | undefined, _o, cmd: Command) => {
    try {
      const c = loadConfig(homePaths(home(cmd)).config).config;
      const v = key ? getConfigValue(c, key) : c;
      if (v === undefined) fail(new Error(`no such setting: ${key}`));
      const shown = publicConfig({ v } as any).v;
      process.stdout.write((typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2)) + '\n');
    } catch (e) {
      fail(e);
    }
  });
config
  .command('set <key> <value>')
  .description('set a dotted key (the value is parsed as YAML) and validate the result')
  .action(async (key: string, value: string, _o, cmd: Command) => {
    try {
      const h = home(cmd);
      ensureHome(h);
      const { currentOwner } = await import('./owner/lock');
      const owner = currentOwner(h);
      if (owner) {
        // A running host owns config.yaml: it writes the change and reloads, so the change is live at once.
        const { HostConnection } = await import('./cli/rpc-client');
        const conn = await HostConnection.connect(owner.socket);
        try {
          await conn.initialize({ name: 'cli' });
          // Sent as typed; the host parses it as YAML, as config.yaml would (`true`, `60`, `[a, b]`).
          const r = await conn.request('config/write', { key, value });
          for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
          process.stdout.write(`${key} = ${JSON.stringify(getConfigValue(r.config as never, key) ?? value)} (applied to the running host pid ${owner.pid})\n`);
        } finally {
          conn.close();
        }
        return;
      }
      const loaded = setConfigValue(homePaths(h).config, key, value);
      for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${key} = ${JSON.stringify(getConfigValue(loaded.config, key))}\n`);
    } catch (e) {
      fail(e);
    }
  });
config
  .command('check')
  .description('validate config.yaml; exit 2 with file, line and key when it is invalid')
  .action((_o, cmd: Command) => {
    try {
      const loaded = loadConfig(homePaths(home(cmd)).config);
      for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${loaded.path}: ok\n`);
    } catch (e) {
      fail(e);
    }
  });
config
  .command('path')
  .description('print the path of config.yaml')
  .action((_o, cmd: Command) => {
    process.stdout.write(homePaths(home(cmd)).config + '\n');
  });

program.addCommand(skillsCommand(home, fail));
program.addCommand(approvalsCommand(home, fail));
program.addCommand(gatewayCommand(home, fail));
program.addCommand(pairingCommand(home, fail));
program.addCommand(cronCommand(home, fail, async (h) => (await openOwnedHost(h, 'cli', undefined)).host));
program.addCommand(mcpCommand(home, fail));

program
  .command('import')
  .description("import history from another agent's HERMES_HOME files")
  .command('hermes')
  .description("import the Hermes agent's sessions from HERMES_HOME/state.db (read-only; re-running adds only what is new)")
  .option('--json', 'print the result as JSON')
  .action(async (opts, cmd: Command) => {
    try {
      const h = home(cmd);
      ensureHome(h);
      const { runHermesImport } = await import('./cli/import-hermes');
      const res = runHermesImport(h);
      if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else process.stdout.write(`${res.message}\n`);
      process.exit(res.ok ? 0 : 1);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('check-command')
  .description('classify a shell command: allow (exit 0), approve (exit 1) or block (exit 2)')
  .option('--json', 'print the verdict as JSON')
  .argument('<command...>', 'the command, after --')
  .action(async (words: string[], opts, cmd: Command) => {
    const { runCheckCommand } = await import('./cli/check-command');
    process.exit(runCheckCommand(words.join(' '), { json: opts.json, hermesHome: home(cmd) }));
  });

program
  .command('health')
  .description('exit 0 when the running host of this HERMES_HOME answers on its socket (container HEALTHCHECK), else 1')
  .option('--timeout <ms>', 'how long to wait for the answer', '5000')
  .option('--json', 'print the report as JSON')
  .action(async (opts, cmd: Command) => {
    const { runHealth } = await import('./cli/health');
    process.exit(await runHealth(homePaths(home(cmd)).socket, String(opts.timeout), !!opts.json).catch(fail));
  });

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`hermes-host ${VERSION}\n`);
  });

program
  .command('protocol')
  .description('export the JSON-RPC protocol')
  .option('--schema', 'print the JSON Schema of every method')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(async (opts) => {
    const { toJsonSchema } = await import('./protocol/schema');
    const text = JSON.stringify(toJsonSchema(), null, 2) + '\n';
    if (opts.out) writeFileSync(opts.out, text);
    else process.stdout.write(text);
  });

program.parseAsync(process.argv).catch(fail);
