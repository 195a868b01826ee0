// MEMORY.md (agent notes) and USER.md (user profile) under HERMES_HOME/memories. Every write takes a cross-process
// lock and re-reads the file under it, so two hosts (or a host and the Hermes agent) writing at once lose nothing.
// The lock is Hermes's own: an exclusive flock on `<file>.lock` (see flock.ts).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withThousands } from '../context/chars';
import { describeFindings, scanForInjection } from '../context/injection';
import { writeFileAtomic } from '../util/atomic';
import { containsDelimiterLine, formatUsage, joinEntries, parseEntries, previewEntry, usedChars } from './entries';
import { renderSnapshot } from './render';
import { withFileLock } from './flock';

export type MemoryTarget = 'memory' | 'user';

export const MEMORY_TARGETS: readonly MemoryTarget[] = ['memory', 'user'];

export interface MemoryLimits {
  memory: number;
  user: number;
}

export const DEFAULT_MEMORY_LIMITS: Readonly<MemoryLimits> = { memory: 2200, user: 1375 };

export const MEMORY_FILES: Readonly<Record<MemoryTarget, string>> = { memory: 'MEMORY.md', user: 'USER.md' };

export interface MemoryResult {
  success: boolean;
  target: MemoryTarget;
  /** Entries on disk after the call (unchanged ones when it failed). */
  entries: string[];
  /** e.g. "63% — 1,386/2,200" */
  usage: string;
  entryCount: number;
  /** What happened, or why nothing did; written for the model. */
  message: string;
  /** 80-character previews of the entries an ambiguous `old_text` matched. */
  candidates?: string[];
}

/** HERMES_HOME/memories */
export function memoriesDir(hermesHome: string): string {
  return join(hermesHome, 'memories');
}

type Edit = { entries: string[]; message: string } | { error: string; candidates?: string[] };

const LABEL: Record<MemoryTarget, string> = { memory: 'Memory', user: 'User profile' };


export class MemoryStore {
  readonly limits: MemoryLimits;

  constructor(
    readonly dir: string,
    limits: Partial<MemoryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_MEMORY_LIMITS, ...limits };
    for (const t of MEMORY_TARGETS) {
      const v = this.limits[t];
      if (!Number.isInteger(v) || v <= 0) {
        throw new Error(`memory limit for "${t}" must be a positive integer (got ${String(v)})`);
      }
    }
  }

  filePath(target: MemoryTarget): string {
    return join(this.dir, MEMORY_FILES[checkTarget(target)]);
  }

  /** Entries as stored on disk (deduplicated), without any injection filtering. */
  entries(target: MemoryTarget): string[] {
    const file = this.filePath(target);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${file}: ${(err as Error).message}`);
    }
    return parseEntries(text);
  }

  read(target: MemoryTarget): MemoryResult {
    const entries = this.entries(target);
    return this.result(target, true, entries, `${entries.length} entries in ${MEMORY_FILES[target]}.`);
  }

  add(target: MemoryTarget, content: string): Promise<MemoryResult> {
    return this.write(target, 'add', content, (entries, entry) => {
      if (entries.includes(entry)) return { entries, message: 'Entry already present; nothing changed.' };
      return { entries: [...entries, entry], message: 'Entry added.' };
    });
  }

  replace(target: MemoryTarget, oldText: string, content: string): Promise<MemoryResult> {
    return this.write(target, 'replace', content, (entries, entry) => {
      const found = findOne(entries, oldText, target);
      if ('error' in found) return found;
      const next = entries.map((e, i) => (i === found.index ? entry : e));
      // Replacing an entry with the text of another one merges them instead of storing a duplicate.
      return { entries: next.filter((e, i) => next.indexOf(e) === i), message: 'Entry replaced.' };
    });
  }

  remove(target: MemoryTarget, oldText: string): Promise<MemoryResult> {
    return this.write(target, 'remove', undefined, (entries) => {
      const found = findOne(entries, oldText, target);
      if ('error' in found) return found;
      return { entries: entries.filter((_, i) => i !== found.index), message: 'Entry removed.' };
    });
  }

  /** The system-prompt block for one file ('' when it has no entries); blocked entries are masked. */
  snapshot(target: MemoryTarget): string {
    const entries = this.entries(target);
    return renderSnapshot(target, entries, formatUsage(usedChars(entries), this.limits[target]));
  }

  private async write(
    target: MemoryTarget,
    action: 'add' | 'replace' | 'remove',
    content: string | undefined,
    edit: (entries: string[], entry: string) => Edit,
  ): Promise<MemoryResult> {
    checkTarget(target);
    let entry = '';
    if (content !== undefined) {
      entry = content.trim();
      const refusal = contentRefusal(entry);
      if (refusal) return this.result(target, false, this.entries(target), refusal);
    }
    const file = this.filePath(target);
    mkdirSync(this.dir, { recursive: true });
    return withFileLock(`${file}.lock`, () => {
      const before = this.entries(target);
      const outcome = edit(before, entry);
      if ('error' in outcome) {
        const r = this.result(target, false, before, outcome.error);
        if (outcome.candidates) r.candidates = outcome.candidates;
        return r;
      }
      const limit = this.limits[target];
      const used = usedChars(before);
      const next = usedChars(outcome.entries);
      // Writes that do not grow the file stay allowed, so an over-full file (a lowered limit, a hand edit) can
      // still be consolidated step by step.
      if (next > limit && next > used) {
        return this.result(target, false, before, overflowMessage(target, action, used, next, limit));
      }
      if (joinEntries(outcome.entries) !== joinEntries(before) || !existsSync(file)) {
        const text = outcome.entries.length ? `${joinEntries(outcome.entries)}\n` : '';
        writeFileAtomic(file, text, { mode: 0o600 });
      }
      return this.result(target, true, outcome.entries, outcome.message);
    });
  }

  private result(target: MemoryTarget, success: boolean, entries: string[], message: string): MemoryResult {
    return {
      success,
      target,
      entries,
      usage: formatUsage(usedChars(entries), this.limits[target]),
      entryCount: entries.length,
      message,
    };
  }
}

function checkTarget(target: MemoryTarget): MemoryTarget {
  if (!MEMORY_TARGETS.includes(target)) {
    throw new Error(`unknown memory target "${String(target)}" (expected "memory" or "user")`);
  }
  return target;
}

function contentRefusal(entry: string): string | undefined {
  if (!entry) return 'content is empty; nothing was saved.';
  if (containsDelimiterLine(entry)) {
    return 'content must not contain a line holding only "§" (that line separates entries); nothing was saved.';
  }
  const findings = scanForInjection(entry);
  if (findings.length) {
    return (
      `Refused: the content looks like ${describeFindings(findings)}. Memory is loaded into future system prompts, ` +
      'so it cannot hold text like that. Nothing was saved.'
    );
  }
  return undefined;
}

function findOne(
  entries: string[],
  oldText: string,
  target: MemoryTarget,
): { index: number } | { error: string; candidates?: string[] } {
  const needle = oldText.trim();
  const file = MEMORY_FILES[target];
  if (!needle) return { error: 'old_text is empty; give a short unique part of the entry to change.' };
  const hits = entries.flatMap((e, i) => (e.includes(needle) ? [i] : []));
  if (hits.length === 0) return { error: `No entry in ${file} contains "${previewEntry(needle)}".` };
  if (hits.length > 1) {
    return {
      error:
        `"${previewEntry(needle)}" matches ${hits.length} entries in ${file}; ` +
        'use a longer part of the one you mean. Candidates are listed.',
      candidates: hits.map((i) => previewEntry(entries[i])),
    };
  }
  return { index: hits[0] };
}

/** The refusal that tells the model to consolidate; tested word for word. */
export function overflowMessage(
  target: MemoryTarget,
  action: 'add' | 'replace' | 'remove',
  used: number,
  next: number,
  limit: number,
): string {
  const file = MEMORY_FILES[target];
  return (
    `${LABEL[target]} is full: this ${action} would make ${file} ${withThousands(next)}/${withThousands(limit)} ` +
    `chars (now ${withThousands(used)}). Nothing was saved. Consolidate now, in this turn: merge related entries ` +
    `and shorten them with replace, remove stale ones with remove, then retry the ${action}.`
  );
}

