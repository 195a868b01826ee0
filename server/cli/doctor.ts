// `hermes-host doctor`: checks that the host can run here and says what to fix when it cannot. It never becomes
// the owner of HERMES_HOME and never changes state it does not own: the database is opened read-only, and a running
// owner is named rather than disturbed (doctor used to close the running host's turns as "interrupted").
import { accessSync, constants, statSync, existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite';
import type { HermesConfig } from '../config/schema';
import type { LoadedConfig } from '../config/load';
import type { Logger } from '../util/log';
import type { OwnerRecord } from '../owner/lock';
import { currentOwner, describeOwner } from '../owner/lock';
import { homePaths } from '../config/home';
import { loadConfig } from '../config/load';
import { loadDotEnv } from '../config/env';
import { createLogger } from '../util/log';
import { listEndpointModels } from '../agent/model-client';
import { checkBackend } from '../sandbox/manager';
import { checkLocalSandbox } from '../sandbox/doctor-check';

/** What doctor looks at: the files of a HERMES_HOME, not a running host. */
export interface DoctorInput {
  hermesHome: string;
  paths: { env: string; db: string; config: string; hermesStateDb: string };
  configInfo: LoadedConfig;
  config: HermesConfig;
  env: Record<string, string | undefined>;
  log: Logger;
  owner: OwnerRecord | null;
}
import { soulCheck } from './doctor-soul';
import { mcpDoctorCheck } from '../mcp/doctor';
import { modelChecks } from './doctor-model';
import { stateDbKind } from '../store/legacy';
import { countHermesSessions } from '../store/hermes-import';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Advisory checks do not fail the run. */
  advisory?: boolean;
}

export type DoctorProbe = (input: DoctorInput) => Promise<Check>;

/** Extra checks other modules register (terminal backend, …). */
export const doctorProbes: DoctorProbe[] = [];

/** Doctor on a HERMES_HOME as it is on disk (config.yaml, .env over the process environment, the current owner). */
export function doctorHome(hermesHome: string): Promise<{ checks: Check[]; ok: boolean }> {
  const paths = homePaths(hermesHome);
  const configInfo = loadConfig(paths.config);
  return runDoctor({
    hermesHome,
    paths,
    configInfo,
    config: configInfo.config,
    env: { ...process.env, ...loadDotEnv(paths.env) },
    log: createLogger({ stderr: false, level: 'warn' }),
    owner: currentOwner(hermesHome),
  });
}

/** One check as doctor prints it: ✓ passed, ! advisory, ✗ failed. */
export const checkLine = (c: Check) => `${c.ok ? '✓' : c.advisory ? '!' : '✗'} ${c.name}: ${c.detail}`;

export async function runDoctor(host: DoctorInput): Promise<{ checks: Check[]; ok: boolean }> {
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  add({
    name: 'config',
    ok: true,
    detail: `${host.configInfo.path} is valid${host.configInfo.warnings.length ? ` (${host.configInfo.warnings.length} warning(s): ${host.configInfo.warnings.join('; ')})` : ''}`,
  });
  try {
    accessSync(host.hermesHome, constants.W_OK);
    add({ name: 'HERMES_HOME', ok: true, detail: `${host.hermesHome} is writable` });
  } catch {
    add({ name: 'HERMES_HOME', ok: false, detail: `${host.hermesHome} is not writable` });
  }
  if (existsSync(host.paths.env)) {
    const mode = statSync(host.paths.env).mode & 0o777;
    add({ name: '.env', ok: (mode & 0o077) === 0, detail: `mode ${mode.toString(8)}${mode & 0o077 ? ' (should be 600)' : ''}` });
  }
  add({
    name: 'host',
    ok: true,
    advisory: true,
    detail: host.owner ? `running: ${describeOwner(host.owner)}; chat, config set and editors attach to it` : 'not running (chat and editors start one)',
  });
  if (!existsSync(host.paths.db)) {
    add({ name: 'better-sqlite3', ok: true, detail: `no database yet at ${host.paths.db} (created on first start)` });
  } else {
    let db: Database.Database | undefined;
    try {
      // Read-only: doctor must not migrate, checkpoint or close turns in a database another process owns.
      db = openDatabase(host.paths.db, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 2000');
      const row = db.prepare('SELECT sqlite_version() AS v, (SELECT COUNT(*) FROM messages) AS n').get() as { v: string; n: number };
      db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'x' LIMIT 1").all();
      add({ name: 'better-sqlite3', ok: true, detail: `SQLite ${row.v} with FTS5, WAL; ${row.n} messages stored` });
    } catch (e) {
      add({ name: 'better-sqlite3', ok: false, detail: (e as Error).message });
    } finally {
      db?.close();
    }
  }
  try {
    const pty = require('node-pty') as typeof import('node-pty');
    const out = await new Promise<string>((resolve, reject) => {
      const p = pty.spawn('/bin/sh', ['-c', 'echo pty-ok'], { cols: 80, rows: 24 });
      let buf = '';
      p.onData((d) => (buf += d));
      p.onExit(() => resolve(buf));
      setTimeout(() => reject(new Error('node-pty did not exit within 5 s')), 5000).unref();
    });
    add({ name: 'node-pty', ok: out.includes('pty-ok'), detail: out.includes('pty-ok') ? 'spawns a pseudo-terminal' : `unexpected output ${JSON.stringify(out)}` });
  } catch (e) {
    add({ name: 'node-pty', ok: false, detail: (e as Error).message });
  }
  add(soulCheck(host));
  add(hermesHistoryCheck(host));
  for (const c of await modelChecks(host)) add(c);
  const backend = host.config.terminal.backend;
  const sb = await checkBackend(host.config, process.env, host.log);
  add({ name: `terminal backend (${backend})`, ok: sb.ok, detail: sb.message });
  add({ name: 'sandbox', ...checkLocalSandbox(host.config, process.cwd(), host.hermesHome) });
  const mcp = mcpDoctorCheck(host.config, host.env);
  if (mcp) add(mcp);
  for (const probe of doctorProbes) {
    try {
      add(await probe(host));
    } catch (e) {
      add({ name: 'probe', ok: false, detail: (e as Error).message });
    }
  }
  return { checks, ok: checks.every((c) => c.ok || c.advisory) };
}

/** Whether the Hermes agent's history (state.db) is here, and how much of it this host has imported (read-only). */
function hermesHistoryCheck(host: DoctorInput): Check {
  const kind = stateDbKind(host.paths.hermesStateDb);
  if (kind === 'none') return { name: 'Hermes history', ok: true, advisory: true, detail: 'no Hermes state.db in HERMES_HOME' };
  if (kind === 'hermes' || kind === 'ambiguous') {
    let n = 0;
    if (existsSync(host.paths.db)) {
      const db = openDatabase(host.paths.db, { readonly: true, fileMustExist: true });
      try {
        n = (db.prepare('SELECT COUNT(*) AS n FROM hermes_imports').get() as { n: number }).n;
      } catch {
        // A database from before the import existed: nothing imported yet.
      } finally {
        db.close();
      }
    }
    let total: number | undefined;
    try {
      total = countHermesSessions(host.paths.hermesStateDb);
    } catch {}
    // Doctor imports nothing itself (it changes no state): the owner imports on start, or `hermes-host import hermes`.
    const of = total !== undefined && total !== n ? ` of ${total}` : '';
    const pending = total !== undefined && total > n ? '; the rest come in when the host starts, or run hermes-host import hermes' : '';
    return { name: 'Hermes history', ok: true, detail: `${n}${of} session(s) imported from ${host.paths.hermesStateDb} (read-only${pending})` };
  }
  return { name: 'Hermes history', ok: true, advisory: true, detail: `${host.paths.hermesStateDb} is not a Hermes session database; left alone` };
}
