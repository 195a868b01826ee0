// `hermes-host cron list|add|edit|remove|pause|resume|run|status|history` (each with --json). With a host owning
// HERMES_HOME the commands go to it over its socket (so its scheduler sees changes at once); without one they work
// on the database directly — except `run`, which needs a host to run the agent: it starts one in this process for
// the duration of the run.
import { Command } from 'commander';
import { ensureHome, homePaths } from '../config/home';
import { loadConfig } from '../config/load';
import type { RequestParams, RequestResult, CronJobView, CronRunView } from '../protocol';
import { describeJob } from '../cron/service';

type HomeOf = (cmd: Command) => string;
type CronMethod = 'cron/list' | 'cron/add' | 'cron/update' | 'cron/pause' | 'cron/resume' | 'cron/remove' | 'cron/run' | 'cron/status' | 'cron/history';
type Call = <M extends CronMethod>(method: M, params: RequestParams<M>) => Promise<RequestResult<M>>;

/** Opens an owning host in this process (main.ts's openOwnedHost), or null when another process owns the home. */
export type OpenOwnedHost = (home: string) => Promise<import('../host').Host | null>;

async function withCron<T>(home: string, openOwned: OpenOwnedHost, needsHost: boolean, fn: (call: Call) => Promise<T>): Promise<T> {
  ensureHome(home);
  const { currentOwner } = await import('../owner/lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = currentOwner(home);
    if (owner) {
      const { HostConnection } = await import('./rpc-client');
      const conn = await HostConnection.connect(owner.socket);
      try {
        await conn.initialize({ name: 'cli' });
        return await fn((m, p) => conn.request(m, p));
      } finally {
        conn.close();
      }
    }
    if (needsHost) {
      const host = await openOwned(home);
      if (!host) continue; // another owner started meanwhile: attach to it
      try {
        const { startCron, cronHandlers } = await import('../cron');
        startCron(host);
        return await fn(direct(cronHandlers(host), 'cli'));
      } finally {
        await host.close();
      }
    }
    // No host: the database directly (no scheduler; the next owner picks changes up).
    const { openDatabase } = await import('../store/db');
    const { CronStore } = await import('../cron/store');
    const { CronService } = await import('../cron/service');
    const paths = homePaths(home);
    const config = loadConfig(paths.config).config;
    const db = openDatabase(paths.db);
    try {
      const svc = new CronService({ store: new CronStore(db), now: Date.now, config: () => config });
      const handlers = {
        'cron/list': (p: any) => ({ jobs: svc.list(p.all) }),
        'cron/add': (p: any) => ({ job: svc.create(p, { createdBy: 'cli' }) }),
        'cron/update': ({ id, ...rest }: any) => ({ job: svc.update(id, rest) }),
        'cron/pause': (p: any) => ({ job: svc.pause(p.id) }),
        'cron/resume': (p: any) => ({ job: svc.resume(p.id) }),
        'cron/remove': (p: any) => svc.remove(p.id),
        'cron/run': async (p: any) => ({ run: await svc.runNow(p.id, !!p.wait) }),
        'cron/status': () => svc.status(),
        'cron/history': (p: any) => ({ runs: svc.history(p.id, p.limit) }),
      };
      return await fn(direct(handlers as any, 'cli'));
    } finally {
      db.close();
    }
  }
  throw new Error(`could not start or attach to a host for ${home}`);
}

function direct(handlers: Record<string, (p: any, client: any) => any>, label: string): Call {
  return async (m, p) => handlers[m](p, { label, id: label, kind: 'cli' });
}

const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));

function runLine(r: CronRunView): string {
  const bits = [`#${r.id}`, r.jobId, when(r.scheduledAt), r.kind, r.state];
  if (r.missed > 1) bits.push(`(${r.missed} firings)`);
  if (r.deliveryState && r.deliveryState !== 'none') bits.push(`delivery:${r.deliveryState}`);
  let line = bits.join('  ');
  if (r.reason) line += `\n      reason: ${r.reason}`;
  if (r.error) line += `\n      error: ${r.error}`;
  if (r.deliveryError) line += `\n      delivery: ${r.deliveryError}`;
  if (r.threadId) line += `\n      thread: ${r.threadId}`;
  return line;
}

function jobBlock(j: CronJobView): string {
  return [
    describeJob(j),
    ...j.nextRuns.map((r, i) => `    ${i ? '     ' : 'next:'} ${r.local}`),
    ...(j.lastError ? [`    last error: ${j.lastError}`] : []),
  ].join('\n');
}

function jobOptions(c: Command): Command {
  return c
    .option('--name <name>', 'a short name')
    .option('--tz <zone>', "IANA time zone for cron expressions and ISO times (default: the host's)")
    .option('--skill <name...>', 'skills to load for each run')
    .option('--toolsets <list>', 'comma-separated toolsets a run may use')
    .option('--deliver <target>', 'local | origin | <platform> (home channel) | <platform>:<chat_id>[:<topic>], comma-separated')
    .option('--repeat <n>', 'stop after n runs', (v) => Number.parseInt(v, 10))
    .option('--timeout <seconds>', 'interrupt a run after this long', (v) => Number.parseInt(v, 10))
    .option('--catch-up <policy>', 'after downtime: one (a single catch-up run) or skip')
    .option('--allow-dangerous', 'let unattended runs execute commands that need approval (refused by default)')
    .option('--json', 'print JSON');
}

function jobParams(o: any): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (o.name !== undefined) p.name = o.name;
  if (o.tz !== undefined) p.timezone = o.tz;
  if (o.skill !== undefined) p.skills = o.skill;
  if (o.toolsets !== undefined) p.toolsets = String(o.toolsets).split(',').map((s: string) => s.trim()).filter(Boolean);
  if (o.deliver !== undefined) p.deliver = o.deliver;
  if (o.repeat !== undefined) p.repeat = o.repeat;
  if (o.timeout !== undefined) p.timeoutS = o.timeout;
  if (o.catchUp !== undefined) {
    if (o.catchUp !== 'one' && o.catchUp !== 'skip') throw new Error(`--catch-up must be "one" or "skip", not "${o.catchUp}"`);
    p.catchUp = o.catchUp;
  }
  if (o.allowDangerous) p.allowDangerous = true;
  return p;
}

export function cronCommand(home: HomeOf, fail: (e: unknown) => never, openOwned: OpenOwnedHost): Command {
  const cron = new Command('cron').description('scheduled agent runs (jobs fire in the owning host: --listen, --gateway or an editor)');
  const out = (json: boolean, value: unknown, text: () => string) => process.stdout.write((json ? JSON.stringify(value, null, 2) : text()) + '\n');
  const act =
    <A extends unknown[]>(needsHost: boolean, f: (call: Call, ...a: A) => Promise<void>) =>
    async (...a: A) => {
      const cmd = a[a.length - 1] as Command;
      try {
        await withCron(home(cmd), openOwned, needsHost, (call) => f(call, ...a));
        process.exit(process.exitCode ?? 0);
      } catch (e) {
        fail(e);
      }
    };

  cron
    .command('list')
    .description('list jobs with their next firing and last result')
    .option('--all', 'include removed jobs')
    .option('--json', 'print JSON')
    .action(
      act(false, async (call, o: any) => {
        const r = await call('cron/list', { all: !!o.all });
        out(o.json, r, () => (r.jobs.length ? r.jobs.map(jobBlock).join('\n') : 'No cron jobs. Add one: hermes-host cron add "every 2h" "check the build"'));
      }),
    );
  jobOptions(cron.command('add').description('add a job: cron add "every 2h" "check the build"').argument('<schedule>').argument('<prompt...>')).action(
    act(false, async (call, schedule: string, prompt: string[], o: any) => {
      const r = await call('cron/add', { schedule, prompt: prompt.join(' '), ...jobParams(o) } as RequestParams<'cron/add'>);
      out(o.json, r, () => `added ${jobBlock(r.job)}`);
    }),
  );
  jobOptions(cron.command('edit').description('change a job').argument('<id>').option('--schedule <schedule>').option('--prompt <text>')).action(
    act(false, async (call, id: string, o: any) => {
      const r = await call('cron/update', { id, ...(o.schedule ? { schedule: o.schedule } : {}), ...(o.prompt ? { prompt: o.prompt } : {}), ...jobParams(o) } as RequestParams<'cron/update'>);
      out(o.json, r, () => `updated ${jobBlock(r.job)}`);
    }),
  );
  for (const [name, method, verb] of [
    ['pause', 'cron/pause', 'paused'],
    ['resume', 'cron/resume', 'resumed'],
  ] as const) {
    cron
      .command(name)
      .argument('<id>')
      .option('--json', 'print JSON')
      .action(
        act(false, async (call, id: string, o: any) => {
          const r = await call(method, { id });
          out(o.json, r, () => `${verb} ${jobBlock(r.job)}`);
        }),
      );
  }
  cron
    .command('remove')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(
      act(false, async (call, id: string, o: any) => {
        const r = await call('cron/remove', { id });
        out(o.json, r, () => `removed ${r.id}`);
      }),
    );
  cron
    .command('run')
    .description('run a job now (waits for it unless --no-wait)')
    .argument('<id>')
    .option('--no-wait', 'return once the run has started')
    .option('--json', 'print JSON')
    .action(
      act(true, async (call, id: string, o: any) => {
        const r = await call('cron/run', { id, wait: o.wait !== false });
        out(o.json, r, () => runLine(r.run) + (r.run.output ? `\n\n${r.run.output}` : ''));
        if (r.run.state === 'failed' || r.run.state === 'unknown') process.exitCode = 1;
      }),
    );
  cron
    .command('status')
    .option('--json', 'print JSON')
    .action(
      act(false, async (call, o: any) => {
        const r = await call('cron/status', {});
        out(o.json, r, () =>
          [
            `scheduler: ${r.running ? 'running in the owning host' : 'not running (no host owns this HERMES_HOME, or cron.enabled is false)'}`,
            `jobs: ${r.jobs}; next firing: ${when(r.nextRunAt)}; running now: ${r.inProgress.join(', ') || 'none'}`,
            ...(r.problems.length ? ['problems:', ...r.problems.map(runLine)] : ['problems: none']),
          ].join('\n'),
        );
      }),
    );
  cron
    .command('history')
    .argument('[id]')
    .option('--limit <n>', 'how many runs', (v) => Number.parseInt(v, 10))
    .option('--json', 'print JSON')
    .action(
      act(false, async (call, id: string | undefined, o: any) => {
        const r = await call('cron/history', { ...(id ? { id } : {}), ...(o.limit ? { limit: o.limit } : {}) });
        out(o.json, r, () => (r.runs.length ? r.runs.map(runLine).join('\n') : 'No runs yet.'));
      }),
    );
  return cron;
}
