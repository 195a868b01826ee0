// Where a run's output goes and how: `local` (kept in the thread only), `origin` (the chat the job was created
// from), `<platform>` (its home channel), `<platform>:<chat>[:<topic>]`, or several joined by commas. Everything
// leaves through the gateway's outbox (write-ahead, retried with backoff); a run's delivery state is what the outbox
// says — `sent` only once the platform confirmed it. With no gateway running the rows wait in the outbox (pending)
// and go out when it starts.
import type Database from 'better-sqlite3';
import type { Outbox, OutboxRow } from '../gateway/outbox';
import type { CronJob } from './store';

export interface DeliveryTarget {
  platform: string;
  chatId: string;
  topicId?: string;
}

/** What cron needs from the gateway; undefined members when the gateway is not running in this host. */
export interface DeliveryPort {
  outbox(): Outbox | undefined;
  /** A standalone outbox on the database, for queueing while no gateway runs. */
  queue(): Outbox;
  home(platform: string): { chatId: string; topicId?: string } | undefined;
  /** Platforms the running gateway connects (undefined when no gateway runs here). */
  platforms(): string[] | undefined;
}

export class DeliveryError extends Error {}

const SILENT = /\[silent\]/i;

export function isSilent(text: string): boolean {
  return SILENT.test(text);
}

/** Checks a deliver spec without resolving home channels (for create/update). */
export function validateDeliver(spec: string, origin: CronJob['origin']): string {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return 'local';
  for (const p of parts) {
    if (p === 'local') continue;
    if (p === 'origin') {
      if (!origin) throw new DeliveryError('deliver "origin" needs a job created from a chat; use "telegram" (home channel), "telegram:<chat_id>" or "local"');
      continue;
    }
    if (!/^[a-z][a-z0-9_]*(:[^:\s]+(:[^:\s]+)?)?$/i.test(p)) throw new DeliveryError(`cannot read the delivery target "${p}": use local, origin, <platform>, or <platform>:<chat_id>[:<topic_id>]`);
  }
  return parts.join(',');
}

export function resolveTargets(job: Pick<CronJob, 'deliver' | 'origin'>, home: DeliveryPort['home']): { targets: DeliveryTarget[]; errors: string[] } {
  const targets = new Map<string, DeliveryTarget>();
  const errors: string[] = [];
  for (const p of job.deliver.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (p === 'local') continue;
    if (p === 'origin') {
      if (job.origin) targets.set(`${job.origin.platform}:${job.origin.chatId}`, job.origin);
      else errors.push('deliver "origin" but the job has no origin chat');
      continue;
    }
    const [platform, chatId, topicId] = p.split(':');
    const plat = platform.toLowerCase();
    if (chatId) {
      targets.set(`${plat}:${chatId}`, { platform: plat, chatId, ...(topicId ? { topicId } : {}) });
      continue;
    }
    const h = home(plat);
    if (h) targets.set(`${plat}:${h.chatId}`, { platform: plat, ...h });
    else errors.push(`no home channel for ${plat} (send /sethome in the chat that should receive cron output)`);
  }
  return { targets: [...targets.values()], errors };
}

export interface DeliveryResult {
  state: 'none' | 'silent' | 'pending' | 'sent' | 'failed' | 'unknown';
  error?: string;
  outboxIds: number[];
}

/** The delivery state of a run from its outbox rows: sent only when every row is sent. */
export function deliveryFromOutbox(db: Database.Database, ids: number[]): { state: DeliveryResult['state']; error?: string } {
  if (!ids.length) return { state: 'none' };
  const rows = db.prepare(`SELECT id, state, last_error FROM gw_outbox WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Pick<OutboxRow, 'id' | 'state' | 'last_error'>[];
  const bad = rows.find((r) => r.state === 'failed') ?? rows.find((r) => r.state === 'unknown');
  if (bad) return { state: bad.state as 'failed' | 'unknown', error: bad.last_error ?? undefined };
  if (rows.length === ids.length && rows.every((r) => r.state === 'sent')) return { state: 'sent' };
  return { state: 'pending' };
}

/**
 * Queues `text` to every target of the job and waits (up to `waitMs`, when a gateway runs) for the outcome.
 */
export async function deliver(port: DeliveryPort, job: CronJob, text: string, waitMs: number, tag: string): Promise<DeliveryResult> {
  if (isSilent(text)) return { state: 'silent', outboxIds: [] };
  const { targets, errors } = resolveTargets(job, (p) => port.home(p));
  if (!targets.length && !errors.length) return { state: 'none', outboxIds: [] };
  const live = port.outbox();
  const box = live ?? port.queue();
  const known = port.platforms();
  if (known) {
    // A platform this gateway does not run would leave the message pending forever: say so now.
    for (const t of targets.filter((x) => !known.includes(x.platform))) errors.push(`platform ${t.platform} is not configured in the gateway (configured: ${known.join(', ') || 'none'})`);
    targets.splice(0, targets.length, ...targets.filter((x) => known.includes(x.platform)));
  }
  const ids = targets.map((t) => box.enqueue({ platform: t.platform, chatId: t.chatId, threadId: t.topicId, text, format: true, tag }));
  let state: DeliveryResult['state'] = ids.length ? 'pending' : 'failed';
  let error: string | undefined = errors.length ? errors.join('; ') : undefined;
  if (live && ids.length) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), waitMs);
    });
    const rows = await Promise.race([Promise.all(ids.map((id) => live.wait(id))), timeout]);
    clearTimeout(timer);
    if (rows) {
      const bad = rows.find((r) => r.state !== 'sent');
      if (bad) {
        state = bad.state === 'unknown' ? 'unknown' : 'failed';
        error = [error, `${bad.platform}:${bad.chat_id}: ${bad.last_error ?? bad.state}`].filter(Boolean).join('; ');
      } else state = errors.length ? 'failed' : 'sent';
    }
  } else if (!live && ids.length) {
    error = [error, 'the gateway is not running in this host; queued in the outbox until it starts'].filter(Boolean).join('; ');
  }
  return { state, ...(error ? { error } : {}), outboxIds: ids };
}
