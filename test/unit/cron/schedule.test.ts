// Schedule grammar and firing times, including time zones and both DST transitions.
import { describe, expect, it } from 'vitest';
import { countFirings, formatInZone, nextFiring, nextFirings, parseDuration, parseSchedule, ScheduleError } from '../../../server/cron/schedule';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('parseSchedule', () => {
  it('reads delays as one-shots, "every" as intervals, cron expressions and ISO times', () => {
    expect(parseSchedule('30m', { now: T0, tz: 'UTC' })).toEqual({ kind: 'once', at: T0 + 30 * 60_000, display: 'once in 30m' });
    expect(parseSchedule('2 hours', { now: T0, tz: 'UTC' })).toMatchObject({ kind: 'once', at: T0 + 2 * 3_600_000 });
    expect(parseSchedule('every 30m', { now: T0, tz: 'UTC' })).toMatchObject({ kind: 'interval', everyMs: 30 * 60_000 });
    expect(parseSchedule('every 1d', { now: T0, tz: 'UTC' })).toMatchObject({ kind: 'interval', everyMs: 86_400_000 });
    expect(parseSchedule('0 9 * * 1-5', { now: T0, tz: 'Europe/Berlin' })).toMatchObject({ kind: 'cron', expr: '0 9 * * 1-5' });
    expect(parseSchedule('2026-06-01T09:00:00Z', { now: T0, tz: 'Asia/Tokyo' })).toMatchObject({ kind: 'once', at: Date.parse('2026-06-01T09:00:00Z') });
    expect(parseDuration('0m')).toBeUndefined();
  });

  it('reads a naive ISO time as wall-clock time in the job zone, DST offset included', () => {
    // Berlin is UTC+2 in June (summer time) and UTC+1 in January.
    expect(parseSchedule('2026-06-01T09:00', { now: T0, tz: 'Europe/Berlin' })).toMatchObject({ at: Date.parse('2026-06-01T07:00:00Z') });
    expect(parseSchedule('2027-01-15 09:00', { now: T0, tz: 'Europe/Berlin' })).toMatchObject({ at: Date.parse('2027-01-15T08:00:00Z') });
    expect(parseSchedule('2026-06-01T09:00', { now: T0, tz: 'America/New_York' })).toMatchObject({ at: Date.parse('2026-06-01T13:00:00Z') });
  });

  it('refuses what it cannot read with the accepted forms, and unknown time zones', () => {
    for (const bad of ['', 'every monday', 'tomorrow', '61 * * *', '* * * * * * * *', 'every 0m']) expect(() => parseSchedule(bad, { now: T0, tz: 'UTC' })).toThrow(ScheduleError);
    expect(() => parseSchedule('soon', { now: T0, tz: 'UTC' })).toThrow(/every 30m.*cron expression.*ISO/);
    expect(() => parseSchedule('99 9 * * *', { now: T0, tz: 'UTC' })).toThrow(/not a valid cron expression/);
    expect(() => parseSchedule('30m', { now: T0, tz: 'Mars/Olympus' })).toThrow(/unknown time zone/);
    expect(() => parseSchedule('2026-02-30T09:00Z', { now: T0, tz: 'UTC' })).toThrow(ScheduleError);
  });
});

describe('firings across DST', () => {
  it('a daily 09:00 job stays at 09:00 local across the spring-forward and fall-back changes (Europe/Berlin)', () => {
    const s = parseSchedule('0 9 * * *', { now: T0, tz: 'Europe/Berlin' });
    const spring = nextFirings(s, 3, Date.parse('2026-03-28T00:00:00Z'), 'Europe/Berlin', T0);
    expect(iso(spring)).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    const fall = nextFirings(s, 3, Date.parse('2026-10-24T00:00:00Z'), 'Europe/Berlin', T0);
    expect(iso(fall)).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  it('a time skipped by spring-forward fires once that day; a repeated hour at fall-back fires once (America/New_York)', () => {
    const tz = 'America/New_York';
    const s = parseSchedule('30 2 * * *', { now: T0, tz });
    // 2026-03-08 02:30 does not exist in New York: exactly one firing that day, then back to 02:30 EDT.
    const spring = nextFirings(s, 3, Date.parse('2026-03-07T12:00:00Z'), tz, T0);
    expect(spring).toHaveLength(3);
    expect(new Set(spring.map((t) => formatInZone(t, tz).slice(4, 14))).size).toBe(3);
    expect(formatInZone(spring[0], tz)).toContain('2026-03-08');
    expect(iso([spring[1]])).toEqual(['2026-03-09T06:30:00.000Z']);
    // 2026-11-01 01:30 happens twice in New York: the job runs once.
    const fb = parseSchedule('30 1 * * *', { now: T0, tz });
    const fall = nextFirings(fb, 3, Date.parse('2026-10-31T12:00:00Z'), tz, T0);
    expect(fall.filter((t) => formatInZone(t, tz).includes('2026-11-01'))).toHaveLength(1);
    expect(iso([fall[0], fall[1]])).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('the same expression in different zones fires at different instants; intervals ignore DST (fixed length)', () => {
    const at = (tz: string) => nextFiring(parseSchedule('0 9 * * *', { now: T0, tz }), T0, tz, T0);
    expect(iso([at('UTC')!, at('Asia/Kolkata')!, at('Australia/Sydney')!])).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T03:30:00.000Z', '2026-03-01T22:00:00.000Z']);
    const every = parseSchedule('every 1h', { now: T0, tz: 'Europe/Berlin' });
    const f = nextFirings(every, 4, Date.parse('2026-03-29T00:30:00Z'), 'Europe/Berlin', T0);
    expect(f.map((t, i) => (i ? t - f[i - 1] : 0))).toEqual([0, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('weekday schedules skip weekends in the job zone', () => {
    const tz = 'Pacific/Auckland';
    const s = parseSchedule('0 9 * * 1-5', { now: T0, tz });
    const days = nextFirings(s, 6, Date.parse('2026-03-05T00:00:00Z'), tz, T0).map((t) => formatInZone(t, tz).slice(0, 3));
    expect(days.every((d) => !['Sat', 'Sun'].includes(d))).toBe(true);
    expect(days.slice(0, 3)).toEqual(['Fri', 'Mon', 'Tue']);
  });
});

describe('counting missed firings', () => {
  it('counts an outage in closed form for intervals and caps long cron enumerations', () => {
    const every = parseSchedule('every 1h', { now: T0, tz: 'UTC' });
    expect(countFirings(every, T0, T0 + 5.5 * 3_600_000, 'UTC', T0)).toEqual({ count: 5, last: T0 + 5 * 3_600_000, capped: false });
    const minutely = parseSchedule('* * * * *', { now: T0, tz: 'UTC' });
    const year = countFirings(minutely, T0, T0 + 365 * 86_400_000, 'UTC', T0, 1000);
    expect(year).toMatchObject({ count: 1000, capped: true });
    const once = parseSchedule('30m', { now: T0, tz: 'UTC' });
    expect(countFirings(once, once.kind === 'once' ? once.at : 0, T0 + 86_400_000, 'UTC', T0).count).toBe(0);
  });
});
