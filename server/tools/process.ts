// `process`: the model's handle on background processes. Writing to a process's stdin is a command path like any
// other (the process may well be a shell), so `write` and `submit` clear the pending input line with the approval
// gate first. A thread only sees its own processes.
import { z } from 'zod';
import type { ApprovalGate } from '../approval/types';
import { capHeadTail, formatCount } from './output';
import { notFound, type ProcessInfo, type ProcessRegistry } from './process-registry';
import { errorResult, type Tool, type ToolContext, type ToolResult } from './types';

export interface ProcessToolDeps {
  processes: ProcessRegistry;
  approvals: ApprovalGate;
}

const ACTIONS = ['list', 'poll', 'log', 'wait', 'kill', 'write', 'submit', 'close'] as const;

const ProcessArgs = z.object({
  action: z
    .enum(ACTIONS)
    .describe(
      'list: all processes; poll: status + output since last poll; log: buffered lines; wait: block until it ends; ' +
        'kill; write: raw stdin; submit: stdin + newline; close: end stdin (EOF).',
    ),
  process_id: z.string().optional().describe('Id returned by terminal(background: true). Required except for list.'),
  data: z.string().optional().describe('Text for write/submit.'),
  timeout: z.number().positive().optional().describe('wait: seconds to wait at most (default 60, max 600).'),
  offset: z.number().int().min(1).optional().describe('log: first line to show, 1-based. Default: the last `limit` lines.'),
  limit: z.number().int().min(1).max(2000).optional().describe('log: number of lines (default 200).'),
});
export type ProcessArgs = z.infer<typeof ProcessArgs>;

export function createProcessTool(deps: ProcessToolDeps): Tool<ProcessArgs> {
  const { processes } = deps;
  return {
    name: 'process',
    toolset: 'terminal',
    description:
      'Manage background processes started with terminal(background: true): list, poll new output, read the log, ' +
      'wait for completion, kill, or send input (write/submit/close).',
    schema: ProcessArgs,
    parallelSafe: (args) => args.action === 'list' || args.action === 'log',
    async run(args, ctx) {
      if (args.action === 'list') return { content: formatList(processes.list(ctx.threadId), Date.now()) };
      const id = args.process_id;
      if (!id) return errorResult(`process_id is required for action "${args.action}"`);
      try {
        return await act(deps, args, id, ctx);
      } catch (err) {
        return errorResult((err as Error).message);
      }
    },
  };
}

async function act(deps: ProcessToolDeps, args: ProcessArgs, id: string, ctx: ToolContext): Promise<ToolResult> {
  const { processes } = deps;
  const max = ctx.config.terminal.output_max_chars;
  switch (args.action) {
    case 'poll': {
      const p = processes.poll(id, ctx.threadId);
      return { content: `${describe(p.info)}\n${formatNew(p.output, p.missedChars, max)}` };
    }
    case 'log': {
      const l = processes.log(id, { offset: args.offset, limit: args.limit }, ctx.threadId);
      const last = l.firstLine + l.lines.length - 1;
      const range = l.lines.length ? `lines ${l.firstLine}-${last} of ${l.totalLines}` : `no lines (of ${l.totalLines})`;
      const dropped = l.truncatedBefore ? '; older output was dropped from the buffer' : '';
      return { content: `${describe(l.info)}\n[${range}${dropped}]\n${capHeadTail(l.lines.join('\n'), max)}` };
    }
    case 'wait': {
      const maxWait = ctx.config.terminal.max_foreground_timeout;
      const seconds = Math.min(args.timeout ?? 60, maxWait);
      const w = await processes.wait(id, seconds * 1000, ctx.signal, ctx.threadId);
      const p = processes.poll(id, ctx.threadId);
      const note = w.aborted
        ? '[wait interrupted; the process keeps running]'
        : w.timedOut
          ? `[still running after ${seconds}s; wait again, poll later, or kill it]`
          : '';
      return { content: [describe(p.info), note, formatNew(p.output, p.missedChars, max)].filter(Boolean).join('\n') };
    }
    case 'kill': {
      const info = await processes.kill(id, ctx.threadId);
      return { content: describe(info) };
    }
    case 'write':
    case 'submit': {
      if (args.data === undefined) return errorResult(`data is required for action "${args.action}"`);
      const data = args.action === 'submit' ? `${args.data}\n` : args.data;
      const info = processes.get(id, ctx.threadId);
      if (!info) return errorResult(notFound(id));
      const command = processes.pendingLine(id, ctx.threadId) + data;
      const gate = await deps.approvals.checkCommand(ctx, {
        command: command.replace(/\n$/, ''),
        cwd: info.cwd,
        backend: info.backend,
        tool: 'process',
        // What reads this input decides what it is: commands for a shell, code for a REPL, SQL for a client.
        stdinOf: info.command,
      });
      if (!gate.allowed) return { content: gate.message, isError: true, item: { status: 'declined' } };
      processes.write(id, data, ctx.threadId);
      return { content: `Sent ${formatCount(data.length)} characters to the stdin of ${id}. Poll to see its response.` };
    }
    case 'close': {
      processes.closeStdin(id, ctx.threadId);
      return { content: `Closed the stdin of ${id} (EOF).` };
    }
    default:
      return errorResult(`unknown action ${String(args.action)}`);
  }
}

function elapsed(info: ProcessInfo, now: number): string {
  const s = Math.round(((info.endedAt ?? now) - info.startedAt) / 1000);
  return s < 120 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

function describe(info: ProcessInfo): string {
  const state =
    info.status === 'running'
      ? 'running'
      : info.status === 'killed'
        ? `killed${info.signal ? ` (${info.signal})` : ''}`
        : `exited with code ${info.exitCode ?? `none (${info.signal ?? 'signal'})`}`;
  return `Process ${info.id} ${state} after ${elapsed(info, Date.now())}: ${info.command}`;
}

function formatNew(output: string, missed: number, max: number): string {
  const lost = missed > 0 ? `[${formatCount(missed)} characters were dropped from the buffer before this poll]\n` : '';
  return output ? `${lost}--- new output ---\n${capHeadTail(output, max)}` : `${lost}(no new output)`;
}

function formatList(list: ProcessInfo[], now: number): string {
  if (!list.length) return 'No background processes in this thread.';
  return list
    .map((p) => {
      const state = p.status === 'running' ? 'running' : p.status === 'killed' ? 'killed' : `exit ${p.exitCode ?? '-'}`;
      return `${p.id}  ${state}  ${elapsed(p, now)}  ${p.pid ? `pid ${p.pid}  ` : ''}${p.command}`;
    })
    .join('\n');
}
