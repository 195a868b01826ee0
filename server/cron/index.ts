// Cron inside a host: the scheduler runs only in the owning host (started by server/main.ts for --listen,
// --gateway and editor-spawned hosts), and the cron/* protocol methods, which work on any host over the same
// database (without a scheduler they manage jobs but cannot run them).
import type { Host } from '../host';
import type { Handlers } from '../rpc/connection';
import { gatewayOf } from '../gateway';
import { Outbox } from '../gateway/outbox';
import { GatewayStore } from '../gateway/store';
import { CronStore } from './store';
import { CronScheduler } from './scheduler';
import { CronService } from './service';
import { executeJob } from './runner';
import { selfOwner } from './owner';
import type { DeliveryPort } from './delivery';

interface CronRuntime {
  service: CronService;
  scheduler?: CronScheduler;
}

const runtimes = new WeakMap<Host, CronRuntime>();

/** The host's cron service (created on first use, without a scheduler unless startCron ran). */
export function cronOf(host: Host): CronService {
  let rt = runtimes.get(host);
  if (!rt) {
    rt = { service: new CronService({ store: new CronStore(host.store.db), now: Date.now, config: () => host.config }) };
    runtimes.set(host, rt);
  }
  return rt.service;
}

/** The chat a thread belongs to: the gateway's live view, else its stored sessions. */
export function chatOfThread(host: Host, threadId: string): { platform: string; chatId: string } | undefined {
  const live = gatewayOf(host)?.chatOfThread(threadId);
  if (live) return live;
  const r = host.store.db.prepare(`SELECT platform, chat_id FROM gw_sessions WHERE thread_id = ? ORDER BY updated_at DESC LIMIT 1`).get(threadId) as { platform: string; chat_id: string } | undefined;
  return r ? { platform: r.platform, chatId: r.chat_id } : undefined;
}

function deliveryPort(host: Host): DeliveryPort {
  let queue: Outbox | undefined;
  return {
    outbox: () => gatewayOf(host)?.outbox,
    platforms: () => gatewayOf(host)?.status().platforms.map((p) => p.platform),
    queue: () => (queue ??= new Outbox(host.store.db, () => undefined, host.log.child('cron'))),
    home: (platform) => {
      const gw = gatewayOf(host);
      if (gw) return gw.home(platform);
      const set = new GatewayStore(host.store.db).home(platform);
      if (set) return set;
      const env = host.env();
      const chatId = env[`${platform.toUpperCase()}_HOME_CHANNEL`]?.trim();
      return chatId ? { chatId } : undefined;
    },
  };
}

/** Starts the scheduler in the owning host. `now` is injectable for tests of outages and DST. */
export function startCron(host: Host, opts: { now?: () => number } = {}): CronScheduler {
  const now = opts.now ?? Date.now;
  const store = new CronStore(host.store.db);
  const owner = selfOwner();
  const log = host.log.child('cron');
  const emit = (runId: number) => {
    const run = store.run(runId);
    if (!run) return;
    host.events.emit('cron/fired', { run: service.runView(run), jobName: store.job(run.jobId)?.name ?? run.jobId });
  };
  const delivery = deliveryPort(host);
  const scheduler: CronScheduler = new CronScheduler({
    store,
    owner,
    now,
    log,
    settings: () => {
      const c = host.config.cron;
      return { enabled: c.enabled, catchUp: c.catch_up, graceMs: c.misfire_grace * 1000, maxParallel: c.max_parallel_jobs, retries: c.retries };
    },
    execute: (job, runId) => executeJob({ host, store, owner, now, delivery, changed: emit }, job, runId),
    onRun: (run) => emit(run.id),
  });
  const service = new CronService({ store, now, config: () => host.config, scheduler });
  runtimes.set(host, { service, scheduler });
  scheduler.start();
  host.onClose(() => scheduler.stop());
  log.info('cron scheduler started', { jobs: store.count() });
  return scheduler;
}

export function cronHandlers(host: Host): Pick<Handlers, 'cron/list' | 'cron/add' | 'cron/update' | 'cron/pause' | 'cron/resume' | 'cron/remove' | 'cron/run' | 'cron/status' | 'cron/history'> {
  const svc = () => cronOf(host);
  return {
    'cron/list': (p) => ({ jobs: svc().list(p.all) }),
    'cron/add': (p, client) => ({ job: svc().create(p, { createdBy: client.label }) }),
    'cron/update': (p) => {
      const { id, ...rest } = p;
      return { job: svc().update(id, rest) };
    },
    'cron/pause': (p) => ({ job: svc().pause(p.id) }),
    'cron/resume': (p) => ({ job: svc().resume(p.id) }),
    'cron/remove': (p) => svc().remove(p.id),
    'cron/run': async (p) => ({ run: await svc().runNow(p.id, !!p.wait) }),
    'cron/status': () => svc().status(),
    'cron/history': (p) => ({ runs: svc().history(p.id, p.limit) }),
  };
}
