// `hermes-host gateway status` and `hermes-host pairing …`. Status asks the running host over its socket (the
// live connection states); pairing works on the database directly, so it needs no running host and takes effect
// on the gateway's next message.
import { Command } from 'commander';
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { homePaths, ensureHome } from '../config/home';
import { openDatabase } from '../store/db';
import { HermesApprovals } from '../gateway/hermes-pairing';
import { Pairing, PairingError } from '../gateway/pairing';
import { LinkError, Links, parseAccount } from '../gateway/links';
import { addServiceCommands, serviceStatus } from './gateway-service';

type HomeOf = (cmd: Command) => string;

async function askHost(socket: string, method: string): Promise<unknown> {
  const s = createConnection(socket);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  const conn = createMessageConnection(new StreamMessageReader(s), new StreamMessageWriter(s));
  conn.listen();
  try {
    await conn.sendRequest('initialize', { clientInfo: { name: 'gateway-status' } });
    await conn.sendNotification('initialized', {});
    return await conn.sendRequest(method, {});
  } finally {
    conn.dispose();
    s.destroy();
  }
}

function age(ms: number): string {
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

export function gatewayCommand(home: HomeOf, fail: (e: unknown) => never): Command {
  const gw = new Command('gateway').description('the messaging gateway (run it with `hermes-host --gateway`)');
  gw.command('status')
    .description("systemd's state of the installed service, and each platform's connection and the outbox, from the running host")
    .option('--json', 'print JSON')
    .option('--system', 'the system unit (and the home it serves)')
    .action(async (opts, cmd: Command) => {
      const h = home(cmd);
      const service = serviceStatus(h, { system: opts.system });
      if (!opts.json) for (const l of service.lines) process.stdout.write(l + '\n');
      // The installed unit says which home it serves (a system unit's is its user's, not the caller's).
      const explicit = !!(cmd.optsWithGlobals() as { home?: string }).home || !!process.env.HERMES_HOME?.trim();
      const paths = homePaths((opts.system || !explicit) && service.servedHome ? service.servedHome : h);
      let st: any;
      try {
        st = await askHost(paths.socket, 'gateway/status');
      } catch (e) {
        const how = service.installed ? `hermes-host gateway start${opts.system ? ' --system' : ''}` : 'hermes-host --gateway';
        process.stderr.write(`no host is listening on ${paths.socket} (${(e as Error).message}); start one with: ${how}\n`);
        // What the database still tells: messages waiting to go out, and how far each platform was read.
        if (existsSync(paths.db)) {
          const db = openDatabase(paths.db);
          try {
            const rows = db.prepare(`SELECT state, COUNT(*) AS n FROM gw_outbox GROUP BY state`).all() as { state: string; n: number }[];
            const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
            process.stdout.write(`outbox: ${by.pending ?? 0} pending, ${by.failed ?? 0} failed, ${by.unknown ?? 0} unknown (delivered on the next start: pending)\n`);
            for (const o of db.prepare(`SELECT platform, cursor, updated_at FROM gw_offsets`).all() as { platform: string; cursor: number; updated_at: number }[])
              process.stdout.write(`${o.platform}: not running; last read ${age(o.updated_at)} ago\n`);
          } finally {
            db.close();
          }
        }
        process.exit(3);
      }
      if (opts.json) process.stdout.write(JSON.stringify(st, null, 2) + '\n');
      else if (!st.running) process.stdout.write('the host on this HERMES_HOME runs without the gateway (start it with --gateway)\n');
      else {
        if (!st.platforms.length) process.stdout.write('gateway running; no platform configured (set TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, or SLACK_BOT_TOKEN + SLACK_APP_TOKEN)\n');
        for (const p of st.platforms)
          process.stdout.write(`${p.platform}: ${p.state} for ${age(p.since)}${p.lastError ? ` — last error: ${p.lastError}` : ''}${p.retryAt ? ` (retry in ${Math.max(0, Math.round((p.retryAt - Date.now()) / 1000))}s)` : ''}\n`);
        const o = st.outbox;
        process.stdout.write(`outbox: ${o.pending ?? 0} pending, ${o.sending ?? 0} sending, ${o.sent ?? 0} sent, ${o.failed ?? 0} failed, ${o.unknown ?? 0} unknown\n`);
      }
      process.exit(0);
    });
  addServiceCommands(gw, home, fail);
  return gw;
}

export function pairingCommand(home: HomeOf, fail: (e: unknown) => never): Command {
  const withPairing = <T>(cmd: Command, fn: (p: Pairing) => T): T => {
    const h = home(cmd);
    ensureHome(h);
    const db = openDatabase(homePaths(h).db);
    try {
      return fn(new Pairing(db, undefined, new HermesApprovals(h)));
    } catch (e) {
      if (e instanceof PairingError) {
        process.stderr.write(`hermes-host: ${e.message}\n`);
        process.exit(1);
      }
      fail(e);
    } finally {
      db.close();
    }
  };
  const p = new Command('pairing').description('who may talk to the gateway: pending codes and approved users');
  p.command('list')
    .description('pending codes and approved users')
    .option('--json', 'print JSON')
    .action((opts, cmd: Command) => {
      const l = withPairing(cmd, (x) => x.list());
      if (opts.json) return void process.stdout.write(JSON.stringify(l, null, 2) + '\n');
      process.stdout.write(`pending (${l.pending.length}):\n`);
      for (const r of l.pending) process.stdout.write(`  ${r.platform} ${r.userId} ${r.userName} (expires in ${Math.round((r.expiresAt - Date.now()) / 60000)} min)\n`);
      process.stdout.write(`approved (${l.approved.length}):\n`);
      for (const r of l.approved) process.stdout.write(`  ${r.platform} ${r.userId} ${r.userName}\n`);
    });
  p.command('approve <platform> <code>')
    .description('allow the user who was given this code')
    .action((platform: string, code: string, _o, cmd: Command) => {
      const r = withPairing(cmd, (x) => x.approve(platform, code));
      process.stdout.write(`approved ${platform} user ${r.userId} (${r.userName})\n`);
    });
  p.command('deny <platform> <user>')
    .description('drop a pending request without approving it')
    .action((platform: string, user: string, _o, cmd: Command) => {
      if (!withPairing(cmd, (x) => x.deny(platform, user))) {
        process.stderr.write(`hermes-host: no pending ${platform} request from user ${user}\n`);
        process.exit(1);
      }
      process.stdout.write(`denied ${platform} user ${user}\n`);
    });
  p.command('revoke <platform> <user>')
    .description('remove an approved user')
    .action((platform: string, user: string, _o, cmd: Command) => {
      const ok = withPairing(cmd, (x) => x.revoke(platform, user));
      if (!ok) {
        process.stderr.write(`hermes-host: ${platform} user ${user} was not approved\n`);
        process.exit(1);
      }
      process.stdout.write(`revoked ${platform} user ${user}\n`);
    });
  // Linking: one person's accounts on several platforms share their direct-message conversation.
  const withLinks = <T>(cmd: Command, fn: (l: Links) => T): T => {
    const h = home(cmd);
    ensureHome(h);
    const db = openDatabase(homePaths(h).db);
    try {
      return fn(new Links(db));
    } catch (e) {
      if (e instanceof LinkError) {
        process.stderr.write(`hermes-host: ${e.message}\n`);
        process.exit(1);
      }
      fail(e);
    } finally {
      db.close();
    }
  };
  p.command('link <account> <other>')
    .description('link two accounts of one person (e.g. telegram:1001 discord:4242): their DMs continue one conversation')
    .action((a: string, b: string, _o, cmd: Command) => {
      withLinks(cmd, (l) => l.link(parseAccount(a), parseAccount(b)));
      process.stdout.write(`linked ${a} and ${b}\n`);
    });
  p.command('unlink <account>')
    .description('unlink an account (platform:user) from the others')
    .action((a: string, _o, cmd: Command) => {
      if (!withLinks(cmd, (l) => l.unlink(parseAccount(a)))) {
        process.stderr.write(`hermes-host: ${a} is not linked\n`);
        process.exit(1);
      }
      process.stdout.write(`unlinked ${a}\n`);
    });
  p.command('links')
    .description('linked accounts')
    .option('--json', 'print JSON')
    .action((opts, cmd: Command) => {
      const l = withLinks(cmd, (x) => x.list());
      if (opts.json) return void process.stdout.write(JSON.stringify(l, null, 2) + '\n');
      for (const g of l) process.stdout.write(`${g.accounts.map((a) => `${a.platform}:${a.userId}`).join(' = ')}\n`);
      if (!l.length) process.stdout.write('no linked accounts\n');
    });
  p.command('clear')
    .description('drop every pending code (approved users stay)')
    .action((_o, cmd: Command) => {
      const n = withPairing(cmd, (x) => x.clear());
      process.stdout.write(`cleared ${n} pending code(s)\n`);
    });
  return p;
}
