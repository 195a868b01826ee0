// Who holds a ledger row: a pid plus that process's start time. A pid alone is not enough — after a crash the
// number may be reused by an unrelated process — so a row is only left alone while the same process (same pid,
// same start time) is alive. Linux: /proc/<pid>/stat field 22 (start time in clock ticks since boot) plus the boot
// id; elsewhere the start time is unknown and only liveness is checked.
import { readFileSync } from 'node:fs';

export interface RunOwner {
  pid: number;
  start: string;
}

let bootId: string | undefined;
function boot(): string {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = '';
    }
  }
  return bootId;
}

/** The start token of `pid`, or undefined when the process does not exist (or cannot be read). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${boot()}:${rest[19]}`;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function selfOwner(): RunOwner {
  return { pid: process.pid, start: processStart(process.pid) ?? `pid-${process.pid}-${Date.now()}` };
}

/** True only when the recorded owner is provably gone (dead, or its pid now belongs to another process). */
export function ownerDead(pid: number | null, start: string | null): boolean {
  if (!pid) return true;
  if (!alive(pid)) return true;
  const now = processStart(pid);
  return now !== undefined && !!start && now !== start;
}
