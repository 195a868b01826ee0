// `patch`: targeted edits. Mode `replace` swaps one occurrence of `old_string` (or all, with `replace_all`) using
// the tolerant matcher; mode `patch` applies a multi-file patch. Both compute every new content first, clear every
// touched path with the approval gate, and only then write, so a bad hunk or a refusal changes nothing.
import { z } from 'zod';
import type { FileChange } from '../../protocol';
import type { Sandbox } from '../../sandbox/types';
import { capHeadTail } from '../output';
import { errorResult, type Tool, type ToolContext, type ToolResult } from '../types';
import {
  binaryKind,
  checkWrites,
  decodeText,
  displayPath,
  errorMessage,
  resolveIn,
  resolvePath,
  unifiedDiff,
  type FileWriteToolDeps,
} from './common';
import { fileSandboxFor } from './editor-fs';
import { applyPlan, nearMissHint, planReplace } from './fuzzy-match';
import { applyHunks, parsePatch, PatchError, scanPatchPaths, touchedPaths, type PatchOp } from './multi-patch';

const PatchArgs = z.object({
  mode: z
    .enum(['replace', 'patch'])
    .optional()
    .describe('replace (default): swap old_string for new_string in one file. patch: apply a multi-file patch.'),
  path: z.string().optional().describe('replace: the file to edit.'),
  old_string: z.string().optional().describe('replace: text to find; include enough surrounding lines to be unique.'),
  new_string: z.string().optional().describe('replace: replacement text (may be empty to delete).'),
  replace_all: z.boolean().optional().describe('replace: change every occurrence instead of exactly one.'),
  patch: z
    .string()
    .optional()
    .describe(
      'patch: "*** Begin Patch" then "*** Update File: p" (hunks of " ", "-", "+" lines, optional "@@ anchor"), ' +
        '"*** Add File: p" (lines prefixed "+"), "*** Delete File: p", then "*** End Patch".',
    ),
});
export type PatchArgs = z.infer<typeof PatchArgs>;

/** A planned change to one file: `after === null` deletes it. */
interface Planned {
  abs: string;
  before: string | null;
  after: string | null;
  mode?: number;
}

export function createPatchTool(deps: FileWriteToolDeps): Tool<PatchArgs> {
  return {
    name: 'patch',
    toolset: 'file',
    description:
      'Edit files. replace mode: find old_string in path (exact, then whitespace/indentation-tolerant) and put ' +
      'new_string there; returns a unified diff. patch mode: apply a multi-file patch (update/add/delete files).',
    schema: PatchArgs,
    parallelSafe: true,
    maxResultChars: 100_000,
    paths: (args, cwd) =>
      (args.mode === 'patch' ? scanPatchPaths(args.patch ?? '') : args.path ? [args.path] : []).map((p) =>
        resolvePath(p, cwd),
      ),
    item: (args) => ({
      type: 'fileChange',
      changes: (args.mode === 'patch' ? scanPatchPaths(args.patch ?? '') : [args.path ?? '']).map((path) => ({
        path,
        kind: 'update' as const,
        diff: '',
      })),
    }),
    async run(args, ctx) {
      const sandbox = await fileSandboxFor(deps, ctx);
      let planned: Planned[];
      let summary: string;
      try {
        if (args.mode === 'patch') {
          if (!args.patch) return errorResult('mode "patch" needs the patch text in `patch`');
          planned = await planMultiPatch(sandbox, ctx, args.patch);
          summary = `Applied patch to ${planned.length} file${planned.length === 1 ? '' : 's'}`;
        } else {
          const r = await planReplaceEdit(sandbox, ctx, args);
          if ('error' in r) return errorResult(r.error);
          planned = [r.planned];
          summary = r.summary;
        }
      } catch (err) {
        if (err instanceof PatchError) return errorResult(`${err.message}. Nothing was changed.`);
        return errorResult(errorMessage(err));
      }
      const refused = await checkWrites(deps.approvals, ctx, sandbox, planned.map((p) => p.abs), 'patch');
      if (refused) return refused;
      return write(sandbox, ctx, planned, summary);
    },
  };
}

async function readText(sandbox: Sandbox, abs: string, shown: string): Promise<{ text: string; mode: number } | null> {
  const st = await sandbox.stat(abs);
  if (!st) return null;
  if (st.type === 'dir') throw new PatchError(`${shown} is a directory`);
  const buf = await sandbox.readFile(abs);
  const kind = binaryKind(buf);
  if (kind) throw new PatchError(`${shown} is a binary file (${kind})`);
  return { text: decodeText(buf), mode: st.mode & 0o7777 };
}

async function planReplaceEdit(
  sandbox: Sandbox,
  ctx: ToolContext,
  args: PatchArgs,
): Promise<{ planned: Planned; summary: string } | { error: string }> {
  if (!args.path) return { error: 'path is required in replace mode' };
  if (args.old_string === undefined || args.new_string === undefined)
    return { error: 'old_string and new_string are required in replace mode' };
  if (args.old_string === '') return { error: 'old_string is empty; to create a file use write_file' };
  if (args.old_string === args.new_string) return { error: 'old_string and new_string are identical; nothing to do' };
  const abs = resolveIn(sandbox, args.path);
  const shown = displayPath(abs, sandbox.cwd());
  const file = await readText(sandbox, abs, shown);
  if (!file) return { error: `file not found: ${shown}` };
  const plan = planReplace(file.text, args.old_string, args.new_string);
  if (!plan) return { error: `old_string was not found in ${shown}.${nearMissHint(file.text, args.old_string)}` };
  const n = plan.matches.length;
  if (n > 1 && !args.replace_all) {
    const at = plan.matches.map((m) => m.line).join(', ');
    return {
      error:
        `old_string matches ${n} places in ${shown} (lines ${at}${plan.strategy === 'exact' ? '' : `, ${plan.strategy} match`}). ` +
        'Include more surrounding lines to pick one, or set replace_all: true.',
    };
  }
  const after = applyPlan(file.text, plan, plan.matches.map((_, i) => i));
  const how = plan.strategy === 'exact' ? '' : ` (matched with ${plan.strategy} comparison)`;
  return {
    planned: { abs, before: file.text, after, mode: file.mode },
    summary: `Replaced ${n} occurrence${n === 1 ? '' : 's'} in ${shown}${how}`,
  };
}

async function planMultiPatch(sandbox: Sandbox, ctx: ToolContext, text: string): Promise<Planned[]> {
  const ops: PatchOp[] = parsePatch(text);
  const abs = (p: string) => resolveIn(sandbox, p);
  const all = touchedPaths(ops).map(abs);
  if (new Set(all).size !== all.length) throw new PatchError('the patch touches the same file more than once');
  const planned: Planned[] = [];
  for (const op of ops) {
    const path = abs(op.path);
    const shown = displayPath(path, sandbox.cwd());
    const current = await readText(sandbox, path, shown);
    if (op.type === 'add') {
      if (current) throw new PatchError(`cannot add ${shown}: it already exists (use "*** Update File")`);
      planned.push({ abs: path, before: null, after: op.content });
    } else if (op.type === 'delete') {
      if (!current) throw new PatchError(`cannot delete ${shown}: it does not exist`);
      planned.push({ abs: path, before: current.text, after: null });
    } else {
      if (!current) throw new PatchError(`cannot update ${shown}: it does not exist (use "*** Add File")`);
      const after = op.hunks.length ? applyHunks(current.text, op.hunks, shown) : current.text;
      if (op.moveTo) {
        const dest = abs(op.moveTo);
        if (await sandbox.stat(dest)) throw new PatchError(`cannot move ${shown} to ${op.moveTo}: the target exists`);
        planned.push({ abs: path, before: current.text, after: null });
        planned.push({ abs: dest, before: null, after, mode: current.mode });
      } else planned.push({ abs: path, before: current.text, after, mode: current.mode });
    }
  }
  return planned;
}

async function write(sandbox: Sandbox, ctx: ToolContext, planned: Planned[], summary: string): Promise<ToolResult> {
  const changes: FileChange[] = [];
  const done: string[] = [];
  for (const p of planned) {
    const shown = displayPath(p.abs, sandbox.cwd());
    try {
      if (p.after === null) await sandbox.remove(p.abs);
      else await sandbox.writeFile(p.abs, p.after, p.mode !== undefined ? { mode: p.mode } : undefined);
    } catch (err) {
      const partial = done.length ? ` Already changed: ${done.join(', ')}.` : ' Nothing was changed.';
      return errorResult(`cannot write ${shown}: ${errorMessage(err)}.${partial}`, { changes });
    }
    done.push(shown);
    const kind = p.before === null ? 'add' : p.after === null ? 'delete' : 'update';
    changes.push({ path: p.abs, kind, diff: unifiedDiff(shown, p.before, p.after) });
  }
  const diffs = changes.map((c) => c.diff).join('\n');
  return {
    content: `${summary}.\n\n${capHeadTail(diffs, ctx.config.terminal.output_max_chars)}`,
    item: { changes },
  };
}
