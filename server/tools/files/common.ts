// Shared by the file tools: path resolution against the sandbox shell's cwd (sandbox paths are POSIX whatever the host
// is), display paths relative to it, unified diffs, text/binary detection and the sandbox lookup.
import { posix } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Sandbox, SandboxManager } from '../../sandbox/types';
import type { ApprovalGate } from '../../approval/types';
import type { ToolContext, ToolResult } from '../types';

export interface FileToolDeps {
  sandboxes: SandboxManager;
}

export interface FileWriteToolDeps extends FileToolDeps {
  approvals: ApprovalGate;
}

/** Absolute path inside the sandbox: `~` expands to the sandbox home, relative paths resolve against `cwd`. */
export function resolvePath(path: string, cwd: string, home?: string): string {
  let p = path.trim();
  if (home && (p === '~' || p.startsWith('~/'))) p = posix.join(home, p.slice(1));
  return posix.resolve(cwd, p);
}

/** `abs` relative to `cwd` when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = posix.relative(cwd, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || posix.isAbsolute(rel) ? abs : rel;
}

export async function sandboxFor(deps: FileToolDeps, ctx: ToolContext): Promise<Sandbox> {
  return deps.sandboxes.get(ctx.threadId, ctx.cwd);
}

/** Relative paths mean what they mean to the thread's shell: the sandbox's current directory, not the thread's
 * folder on this machine (which does not exist inside a container or on an SSH host, and which a `cd` leaves). */
export function resolveIn(sandbox: Sandbox, path: string): string {
  return resolvePath(path, sandbox.cwd(), sandbox.home());
}

/** Unified diff with `a/`/`b/` headers; `/dev/null` for an added or deleted side. */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  const from = before === null ? '/dev/null' : `a/${path}`;
  const to = after === null ? '/dev/null' : `b/${path}`;
  // A bounded diff: a rewrite of a huge file must not stall the host computing the minimal edit script.
  const patch = createTwoFilesPatch(from, to, before ?? '', after ?? '', '', '', { context: 3, timeout: 2000 });
  if (patch === undefined) {
    const n = (s: string | null) => (s ? s.split('\n').length : 0);
    return `--- ${from}\n+++ ${to}\n(diff too large to compute: ${n(before)} lines before, ${n(after)} lines after)\n`;
  }
  // Drop jsdiff's "=====" banner line; the rest is a standard git-style unified diff.
  return patch.replace(/^=+\n/, '');
}

const MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP archive (or docx/xlsx/jar)'],
  [[0x1f, 0x8b], 'gzip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'ELF executable'],
  [[0x00, 0x61, 0x73, 0x6d], 'WebAssembly module'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'SQLite database'],
  [[0x52, 0x49, 0x46, 0x46], 'RIFF media (WAV/WebP/AVI)'],
  [[0x42, 0x5a, 0x68], 'bzip2 archive'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz archive'],
];

/** A description of the binary format when `buf` is not text, else null. */
export function binaryKind(buf: Buffer): string | null {
  for (const [sig, name] of MAGIC) if (sig.every((b, i) => buf[i] === b)) return name;
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return 'binary data';
  // Control characters other than tab/newline/CR/FF/ESC in quantity mean it is not text either.
  let odd = 0;
  for (const b of head) if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) odd++;
  return head.length > 0 && odd / head.length > 0.1 ? 'binary data' : null;
}

/** Text of a buffer, without a UTF-8 byte-order mark. */
export function decodeText(buf: Buffer): string {
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export function errorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `permission denied${e.path ? `: ${e.path}` : ''}`;
  if (e?.code === 'ENOENT') return `no such file or directory${e.path ? `: ${e.path}` : ''}`;
  if (e?.code === 'EISDIR') return `is a directory${e.path ? `: ${e.path}` : ''}`;
  return e?.message ?? String(err);
}

/** A refusal by the approval gate: the model sees the gate's message, the item shows as declined. */
export function declined(message: string): ToolResult {
  return { content: message, isError: true, item: { status: 'declined' } };
}

/** Clears every path with the gate; the first refusal wins and nothing is written. `~/.ssh`, shell rc files and
 * the like are the sandbox user's (a container's /home is not this machine's home). */
export async function checkWrites(
  approvals: ApprovalGate,
  ctx: ToolContext,
  sandbox: Sandbox,
  paths: string[],
  tool: string,
): Promise<ToolResult | null> {
  for (const path of paths) {
    const real = await realTarget(sandbox, path);
    const gate = await approvals.checkWrite(ctx, { path, tool, home: sandbox.home(), real });
    if (!gate.allowed) return declined(gate.message);
  }
  return null;
}

/** Where a write to `abs` lands: symlinks in the path (the file itself or a parent) resolved by the sandbox. */
export async function realTarget(sandbox: Sandbox, abs: string): Promise<string> {
  try {
    return await sandbox.realpath(abs);
  } catch {
    try {
      return posix.join(await sandbox.realpath(posix.dirname(abs)), posix.basename(abs));
    } catch {
      return abs;
    }
  }
}
