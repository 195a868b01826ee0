// hermes-host: the agent host. With no subcommand it serves JSON-RPC on stdio (how editors start it) or, with
// --listen, on a unix socket that several clients can attach to.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolveHermesHome, homePaths, ensureHome } from './config/home';
import { ConfigError, getConfigValue, loadConfig, setConfigValue } from './config/load';
import { publicConfig } from './config/public';
import { VERSION } from './version';
import { createLogger } from './util/log';
import { skillsCommand } from './cli/skills';

function fail(e: unknown): never {
  const msg = e instanceof ConfigError ? e.message : `hermes-host: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
  process.exit(e instanceof ConfigError ? 2 : 1);
}

function home(cmd: Command): string {
  const h = cmd.optsWithGlobals().home as string | undefined;
  if (h) process.env.HERMES_HOME = h;
  return resolveHermesHome();
}

async function openHost(cmd: Command, opts: { stderrLog?: boolean; cwd?: string } = {}) {
  const { Host } = await import('./host');
  const hermesHome = home(cmd);
  ensureHome(hermesHome);
  const level = safeLevel(hermesHome);
  const log = createLogger({ file: homePaths(hermesHome).log, stderr: !!opts.stderrLog, level });
  return new Host({ hermesHome, log, workspaceRoot: opts.cwd });
}

function safeLevel(hermesHome: string) {
  try {
    return loadConfig(homePaths(hermesHome).config).config.logging.level;
  } catch {
    return 'info' as const;
  }
}

async function serve(cmd: Command, opts: { stdio?: boolean; listen?: string | boolean }) {
  const host = await openHost(cmd, { stderrLog: true });
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    await host.close().catch(() => {});
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  if (opts.listen) {
    const { serveSocket } = await import('./rpc/serve');
    const path = typeof opts.listen === 'string' ? opts.listen : host.paths.socket;
    await serveSocket(host, path);
    host.log.info(`listening on ${path}`);
    process.stderr.write(`hermes-host ${VERSION} listening on ${path} (HERMES_HOME=${host.hermesHome})\n`);
  } else {
    const { serveStdio } = await import('./rpc/serve');
    serveStdio(host, () => void shutdown(0));
  }
}

const program = new Command();
program
  .name('hermes-host')
  .description('A personal AI agent host: JSON-RPC on stdio (default) or a unix socket, plus CLI commands.')
  .version(VERSION, '-v, --version')
  .option('--home <dir>', 'HERMES_HOME to use (default $HERMES_HOME or ~/.hermes)')
  .option('--stdio', 'serve JSON-RPC on stdin/stdout (the default)')
  .addOption(new Option('--listen [path]', 'serve JSON-RPC on a unix socket (default HERMES_HOME/host.sock)'))
  .action(async (opts, cmd: Command) => serve(cmd, opts).catch(fail));

program
  .command('chat')
  .description('run one turn and print the reply as it streams')
  .requiredOption('-q, --query <text>', 'what to ask')
  .option('-m, --model <id>', 'model to use for this turn')
  .option('--cwd <dir>', 'working directory for the thread')
  .option('--thread <id>', 'continue an existing thread')
  .option('--quiet', 'print only the reply, not tool activity')
  .action(async (opts, cmd: Command) => {
    try {
      const host = await openHost(cmd, { cwd: opts.cwd });
      const { runChat } = await import('./cli/chat');
      const code = await runChat(host, { query: opts.query, model: opts.model, cwd: opts.cwd, thread: opts.thread, quiet: opts.quiet });
      await host.close();
      process.exit(code);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('doctor')
  .description('check config, native modules, the model endpoint and the terminal backend')
  .option('--json', 'print the checks as JSON')
  .action(async (opts, cmd: Command) => {
    try {
      const host = await openHost(cmd);
      const { runDoctor } = await import('./cli/doctor');
      const res = await runDoctor(host);
      if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else for (const c of res.checks) process.stdout.write(`${c.ok ? '✓' : c.advisory ? '!' : '✗'} ${c.name}: ${c.detail}\n`);
      await host.close();
      process.exit(res.ok ? 0 : 1);
    } catch (e) {
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
  .action((key: string, value: string, _o, cmd: Command) => {
    try {
      const h = home(cmd);
      ensureHome(h);
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
