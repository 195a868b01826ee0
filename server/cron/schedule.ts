// Schedule grammar and firing times. Four forms, as Hermes accepts them: a delay (`30m`, `2h`, `1d` — one shot), a
// recurring interval (`every 30m`), a 5-field cron expression (croner, evaluated in the job's time zone, so `0 9 * * *`
// stays at 9:00 local across DST changes) and an ISO timestamp (a naive one is read in the job's time zone).
// Everything is in epoch milliseconds; nothing here reads the clock — callers pass `now`.
import { Cron } from 'croner';

export type Schedule =
  | { kind: 'once'; at: number; display: string }
  | { kind: 'interval'; everyMs: number; display: string }
  | { kind: 'cron'; expr: string; display: string };

export class ScheduleError extends Error {}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_WORDS: [RegExp, string][] = [
  [/^(s|sec|secs|second|seconds)$/, 's'],
  [/^(m|min|mins|minute|minutes)$/, 'm'],
  [/^(h|hr|hrs|hour|hours)$/, 'h'],
  [/^(d|day|days)$/, 'd'],
];

const FORMS =
  'use one of: a delay "30m" / "2h" / "1d" / "45s" (runs once), "every 30m" / "every 2h" (recurring), a 5-field cron expression "0 9 * * 1-5", or an ISO time "2026-06-01T09:00"';

/** Parses `30m`, `2 hours`, `1d` into milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([a-z]+)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = UNIT_WORDS.find(([re]) => re.test(m[2].toLowerCase()))?.[1];
  const n = Number(m[1]);
  if (!unit || !Number.isSafeInteger(n) || n <= 0) return undefined;
  return n * UNITS[unit];
}

/** The host's own time zone (what a job without one uses). */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Parsing a pattern costs more than computing a firing; the scheduler asks for the same few patterns all day.
const parsedPatterns = new Map<string, Cron>();
function cronFor(pattern: string, tz: string): Cron {
  const key = `${tz}\0${pattern}`;
  let c = parsedPatterns.get(key);
  if (!c) {
    c = new Cron(pattern, { timezone: tz, paused: true });
    if (parsedPatterns.size >= 2000) parsedPatterns.delete(parsedPatterns.keys().next().value!);
    parsedPatterns.set(key, c);
  }
  return c;
}

/**
 * Parses a schedule. `now` anchors delays; `tz` reads naive ISO times and cron fields. Throws ScheduleError naming the
 * accepted forms.
 */
export function parseSchedule(input: string, opts: { now: number; tz: string }): Schedule {
  const text = input.trim().replace(/\s+/g, ' ');
  if (!text) throw new ScheduleError(`empty schedule; ${FORMS}`);
  if (!validTimeZone(opts.tz)) throw new ScheduleError(`unknown time zone "${opts.tz}" (use an IANA name such as Europe/Berlin or UTC)`);
  const every = /^every (.+)$/i.exec(text);
  if (every) {
    const ms = parseDuration(every[1]);
    if (!ms) throw new ScheduleError(`"${input}": "every" takes a duration such as 30m, 2h or 1d; for calendar times use a cron expression (e.g. "0 9 * * 1-5" for weekdays at 9:00)`);
    return { kind: 'interval', everyMs: ms, display: `every ${every[1].replace(/\s+/g, '')}` };
  }
  const delay = parseDuration(text);
  if (delay) return { kind: 'once', at: opts.now + delay, display: `once in ${text.replace(/\s+/g, '')}` };
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) {
    const iso = text.replace(' ', 'T');
    // Date.parse rolls 2026-02-30 over into March; a date that does not exist is an error.
    const [y, mo, d] = iso.slice(0, 10).split('-').map(Number);
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new ScheduleError(`"${input}" is not a valid date and time`);
    const explicitZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) && iso.includes('T');
    let at: number;
    if (explicitZone) at = Date.parse(iso);
    else {
      // A naive time is wall-clock time in the job's zone; croner converts it (DST included).
      const withTime = iso.includes('T') ? iso : `${iso}T00:00:00`;
      try {
        at = cronFor(withTime.length === 16 ? `${withTime}:00` : withTime, opts.tz).nextRun(new Date(0))?.getTime() ?? NaN;
      } catch {
        at = NaN;
      }
    }
    if (!Number.isFinite(at)) throw new ScheduleError(`"${input}" is not a valid date and time`);
    return { kind: 'once', at, display: `once at ${new Date(at).toISOString()}` };
  }
  const fields = text.split(' ');
  if (fields.length === 5 && fields.every((f) => /^[\d*\-,/A-Za-z?LW#]+$/.test(f))) {
    try {
      cronFor(text, opts.tz);
    } catch (e) {
      throw new ScheduleError(`"${input}" is not a valid cron expression: ${(e as Error).message.replace(/^CronPattern: /, '')}`);
    }
    return { kind: 'cron', expr: text, display: `cron ${text}` };
  }
  throw new ScheduleError(`cannot read the schedule "${input}"; ${FORMS}`);
}

/**
 * The first firing strictly after `after`. Intervals are counted from `anchor` (when the job was created or last
 * rescheduled), so a restart does not shift them. A one-shot fires at its instant once (null after that).
 */
export function nextFiring(s: Schedule, after: number, tz: string, anchor: number): number | null {
  switch (s.kind) {
    case 'once':
      return s.at > after ? s.at : null;
    case 'interval': {
      if (after < anchor) return anchor + s.everyMs;
      const k = Math.floor((after - anchor) / s.everyMs) + 1;
      return anchor + k * s.everyMs;
    }
    case 'cron':
      return cronFor(s.expr, tz).nextRun(new Date(after))?.getTime() ?? null;
  }
}

/** The next `n` firings after `after` (fewer when the schedule ends). */
export function nextFirings(s: Schedule, n: number, after: number, tz: string, anchor: number): number[] {
  const out: number[] = [];
  let t = after;
  while (out.length < n) {
    const next = nextFiring(s, t, tz, anchor);
    if (next === null) break;
    out.push(next);
    t = next;
  }
  return out;
}

/** How many firings fall in (from, to], counting at most `cap` (a long outage of a minutely job is not enumerated). */
export function countFirings(s: Schedule, from: number, to: number, tz: string, anchor: number, cap = 10_000): { count: number; last: number | null; capped: boolean } {
  if (s.kind === 'interval') {
    const first = nextFiring(s, from, tz, anchor)!;
    if (first > to) return { count: 0, last: null, capped: false };
    const count = Math.floor((to - first) / s.everyMs) + 1;
    return { count, last: first + (count - 1) * s.everyMs, capped: false };
  }
  let count = 0;
  let last: number | null = null;
  let t = from;
  while (count < cap) {
    const next = nextFiring(s, t, tz, anchor);
    if (next === null || next > to) return { count, last, capped: false };
    count++;
    last = next;
    t = next;
  }
  return { count, last, capped: true };
}

/** A firing time as the user reads it: local time in the job's zone with its offset. */
export function formatInZone(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('weekday')} ${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${p('timeZoneName')} (${tz})`;
}
