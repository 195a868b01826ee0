// `hermes-host doctor`: checks that the host can run here and says what to fix when it cannot.
import { accessSync, constants, statSync, existsSync } from 'node:fs';
import type { Host } from '../host';
import { modelChecks } from './doctor-model';
import { stateDbKind } from '../store/legacy';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Advisory checks do not fail the run. */
  advisory?: boolean;
}

export type DoctorProbe = (host: Host) => Promise<Check>;

/** Extra checks other modules register (terminal backend, …). */
export const doctorProbes: DoctorProbe[] = [];

export async function runDoctor(host: Host): Promise<{ checks: Check[]; ok: boolean }> {
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
  try {
    const row = host.store.db.prepare("SELECT sqlite_version() AS v, (SELECT COUNT(*) FROM messages) AS n").get() as { v: string; n: number };
    host.store.db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'x' LIMIT 1").all();
    add({ name: 'better-sqlite3', ok: true, detail: `SQLite ${row.v} with FTS5, WAL; ${row.n} messages stored` });
  } catch (e) {
    add({ name: 'better-sqlite3', ok: false, detail: (e as Error).message });
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
  add(hermesHistoryCheck(host));
  for (const c of await modelChecks(host)) add(c);
  const backend = host.config.terminal.backend;
  const sb = await host.sandboxes.check();
  add({ name: `terminal backend (${backend})`, ok: sb.ok, detail: sb.message });
  for (const probe of doctorProbes) {
    try {
      add(await probe(host));
    } catch (e) {
      add({ name: 'probe', ok: false, detail: (e as Error).message });
    }
  }
  return { checks, ok: checks.every((c) => c.ok || c.advisory) };
}

/** Whether the Hermes agent's history (state.db) is here, and how much of it this host has imported. */
function hermesHistoryCheck(host: Host): Check {
  const kind = stateDbKind(host.paths.hermesStateDb);
  if (kind === 'none') return { name: 'Hermes history', ok: true, advisory: true, detail: 'no Hermes state.db in HERMES_HOME' };
  const n = (host.store.db.prepare('SELECT COUNT(*) AS n FROM hermes_imports').get() as { n: number }).n;
  if (kind === 'hermes' || kind === 'ambiguous') {
    return { name: 'Hermes history', ok: true, detail: `${n} session(s) imported from ${host.paths.hermesStateDb} (read-only; hermes-host import hermes adds new ones)` };
  }
  return { name: 'Hermes history', ok: true, advisory: true, detail: `${host.paths.hermesStateDb} is not a Hermes session database; left alone` };
}
