// `terminal`: runs a command in the thread's persistent shell (cwd and exported variables survive between calls),
// in the foreground with streamed output, or in the background under the process registry. Every command, either
// way, is cleared with the approval gate before anything reaches a shell.
import { posix } from 'node:path';
import { z } from 'zod';
import type { ApprovalGate } from '../approval/types';
import type { ExecResult, Sandbox, SandboxManager } from '../sandbox/types';
import { capHeadTail } from './output';
import type { ProcessRegistry } from './process-registry';
import { errorResult, type Tool, type ToolContext, type ToolResult } from './types';
import { sandboxDenial } from '../sandbox/denial';
import { predictSandboxNeeds } from '../sandbox/needs';

export interface TerminalToolDeps {
  sandboxes: SandboxManager;
  approvals: ApprovalGate;
  processes: ProcessRegistry;
}

const TerminalArgs = z.object({
  command: z.string().min(1).describe('Shell command to run (bash syntax).'),
  timeout: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Seconds before a foreground command is killed (default 180, max 600; longer work: background: true).'),
  workdir: z.string().optional().describe('Directory to run in; the shell stays there afterwards. Default: current directory.'),
  pty: z.boolean().optional().describe('Attach a terminal, for programs that need a TTY. Default false.'),
  background: z
    .boolean()
    .optional()
    .describe('Start and return a process id at once; manage it with the process tool. For servers and long jobs.'),
  outside_sandbox: z
    .boolean()
    .optional()
    .describe(
      'Ask the user to run this once OUTSIDE the OS sandbox (local backend; foreground only). Only for commands that ' +
        'must write outside the workspace and /tmp or reach protected files; a command the sandbox blocks is offered ' +
        'to the user this way automatically.',
    ),
});
export type TerminalArgs = z.infer<typeof TerminalArgs>;

const BY_COMMAND: Record<string, Record<number, string>> = {
  grep: { 1: 'no lines matched (not an error)' },
  egrep: { 1: 'no lines matched (not an error)' },
  fgrep: { 1: 'no lines matched (not an error)' },
  rg: { 1: 'no matches found (not an error)' },
  diff: { 1: 'the files differ (not an error)' },
  cmp: { 1: 'the files differ (not an error)' },
  test: { 1: 'the condition is false (not an error)' },
  '[': { 1: 'the condition is false (not an error)' },
  '[[': { 1: 'the condition is false (not an error)' },
  find: { 1: 'some paths could not be read; results may be partial' },
  which: { 1: 'the command was not found' },
  curl: { 6: 'could not resolve the host', 7: 'could not connect', 22: 'the server answered 4xx/5xx', 28: 'timed out' },
};

const GENERIC: Record<number, string> = {
  124: 'timed out (timeout(1) stopped the command)',
  126: 'the command was found but is not executable',
  127: 'command not found',
  130: 'interrupted (SIGINT)',
  137: 'killed (SIGKILL; possibly out of memory)',
  143: 'terminated (SIGTERM)',
};

const WRAPPERS = new Set(['sudo', 'env', 'time', 'nice', 'nohup', 'command', 'exec', 'builtin', 'xargs', 'stdbuf', '!']);

/** The program of the last simple command (a pipeline's or list's status is its last command's). */
export function lastProgram(command: string): string | undefined {
  const parts = command.split(/\|\||&&|[|;&\n]/);
  for (let i = parts.length - 1; i >= 0; i--) {
    const words = parts[i]!.trim().split(/\s+/).filter(Boolean);
    let j = 0;
    while (j < words.length && (/^[A-Za-z_]\w*=/.test(words[j]!) || WRAPPERS.has(words[j]!) || words[j]!.startsWith('-'))) j++;
    const w = words[j]?.replace(/^[('"]+/, '');
    if (w) return w.split('/').pop();
  }
  return undefined;
}

/** A meaning for a known non-zero exit code, or undefined. */
export function exitCodeMeaning(command: string, exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode === 0) return undefined;
  const prog = lastProgram(command);
  return (prog && BY_COMMAND[prog]?.[exitCode]) ?? GENERIC[exitCode];
}

export function createTerminalTool(deps: TerminalToolDeps): Tool<TerminalArgs> {
  return {
    name: 'terminal',
    toolset: 'terminal',
    description:
      'Run a shell command in a persistent shell: the working directory and exported variables carry over between ' +
      'calls. Output is capped (head and tail kept). Use background: true for servers, watchers and jobs longer than ' +
      'the timeout, then the process tool to read output or stop them. Prefer read_file/search_files/patch for files.',
    schema: TerminalArgs,
    parallelSafe: false,
    maxResultChars: 100_000,
    item: (args, { cwd }) => ({ type: 'commandExecution', command: args.command, cwd: args.workdir ?? cwd }),
    async run(args, ctx) {
      const t = ctx.config.terminal;
      const timeout = args.timeout ?? t.timeout;
      if (!args.background && timeout > t.max_foreground_timeout) {
        return errorResult(
          `timeout ${timeout}s exceeds the foreground maximum of ${t.max_foreground_timeout}s. ` +
            'Run long commands with background: true and follow them with process(action: "wait" | "poll" | "log").',
        );
      }
      let sandbox: Sandbox;
      try {
        sandbox = await deps.sandboxes.get(ctx.threadId, ctx.cwd);
      } catch (err) {
        return errorResult(`the ${ctx.config.terminal.backend} sandbox is not available: ${(err as Error).message}`);
      }
      const backend = sandbox.kind;
      const workdir = args.workdir ? posix.resolve(sandbox.cwd(), args.workdir) : undefined;
      const cwd = workdir ?? sandbox.cwd();
      ctx.updateItem({ backend, cwd });
      const gate = await deps.approvals.checkCommand(ctx, { command: args.command, cwd, backend, tool: 'terminal', home: sandbox.home(), files: sandbox });
      if (!gate.allowed) return { content: gate.message, isError: true, item: { status: 'declined' } };

      if (args.background && args.outside_sandbox) {
        return errorResult('outside_sandbox is for foreground commands only: a background process always runs in the sandbox.');
      }
      if (args.background) {
        try {
          const info = await deps.processes.start(sandbox, {
            threadId: ctx.threadId,
            command: args.command,
            cwd: sandbox.cwd(),
            workdir,
            pty: args.pty,
          });
          ctx.updateItem({ processId: info.id });
          return {
            content:
              `Started background process ${info.id}${info.pid ? ` (pid ${info.pid})` : ''}. ` +
              `Check it with process(action: "poll", process_id: "${info.id}"); "wait" blocks until it ends, "kill" stops it. ` +
              'You will be told when it finishes.',
            item: { processId: info.id },
          };
        } catch (err) {
          return errorResult(`could not start the background process: ${(err as Error).message}`);
        }
      }

      const execOpts = { timeoutMs: timeout * 1000, workdir, signal: ctx.signal, pty: args.pty, onOutput: (chunk: string) => ctx.output(chunk) };
      const confined = !!(sandbox.confinement?.confined && sandbox.execOutside);
      if (args.outside_sandbox && !confined && backend !== 'local') {
        return errorResult(
          `the ${backend} backend has no "outside": its ${backend === 'docker' ? 'container' : 'remote machine'} is the isolation, and nothing runs on this host. Run the command without outside_sandbox.`,
        );
      }
      if (args.outside_sandbox && confined) {
        return outside(deps, ctx, sandbox, { command: args.command, cwd, backend, reason: 'the model asked to run it outside the sandbox', timeout, execOpts: { ...execOpts, workdir: cwd } });
      }

      // Read before it runs: a command that plainly needs more than the sandbox gives is asked about up front, so
      // it does not half-run confined first. Declined, it runs confined as it would have, and is not asked again.
      const need = confined ? predictSandboxNeeds(args.command, { confinement: sandbox.confinement!, home: sandbox.home() }) : undefined;
      let declined: string | undefined;
      if (need) {
        const ran = await outside(deps, ctx, sandbox, { command: args.command, cwd, backend, reason: need, timeout, execOpts: { ...execOpts, workdir: cwd }, runConfinedOnDecline: true });
        if (!('declined' in ran)) return ran;
        declined = ran.declined;
      }

      let res: ExecResult;
      try {
        res = await sandbox.exec(args.command, execOpts);
      } catch (err) {
        return errorResult(`the command could not be run: ${(err as Error).message}`);
      }
      const output = capHeadTail(res.output, t.output_max_chars);
      if (declined) {
        return formatForeground(args.command, output, res, timeout, [
          `[it looked like it needs more than the OS sandbox allows (${need}); running it outside was not approved (${declined}), so it ran inside the sandbox]`,
        ]);
      }
      const denial =
        confined && !res.timedOut && !res.interrupted
          ? sandboxDenial(res.output, res.exitCode, { confinement: sandbox.confinement!, home: sandbox.home(), cwd })
          : undefined;
      if (denial) {
        return outside(deps, ctx, sandbox, { command: args.command, cwd, backend, reason: denial, timeout, execOpts: { ...execOpts, workdir: cwd }, first: { output, res } });
      }
      return formatForeground(args.command, output, res, timeout);
    },
  };
}

interface OutsideOptions {
  command: string;
  cwd: string;
  backend: string;
  reason: string;
  timeout: number;
  execOpts: Parameters<Sandbox['exec']>[1];
  first?: { output: string; res: ExecResult };
  /** Asked before any run: a "no" hands the command back to run confined instead of ending the call. */
  runConfinedOnDecline?: boolean;
}

/** Escalation: ask to run the command once outside the OS sandbox; run it there on "once"/"session". When it
 * already ran inside (`first`) and the answer is no, the model gets that result with the reason. */
function outside(deps: TerminalToolDeps, ctx: ToolContext, sandbox: Sandbox, o: OutsideOptions & { runConfinedOnDecline: true }): Promise<ToolResult | { declined: string }>;
function outside(deps: TerminalToolDeps, ctx: ToolContext, sandbox: Sandbox, o: OutsideOptions): Promise<ToolResult>;
async function outside(
  deps: TerminalToolDeps,
  ctx: ToolContext,
  sandbox: Sandbox,
  o: OutsideOptions,
): Promise<ToolResult | { declined: string }> {
  const gate = await deps.approvals.checkEscalation(ctx, {
    command: o.command,
    cwd: o.cwd,
    backend: o.backend,
    tool: 'terminal',
    reason: o.reason,
    home: sandbox.home(),
  });
  if (!gate.allowed) {
    if (o.runConfinedOnDecline && gate.decision !== 'blocked') return { declined: gate.decision };
    if (!o.first) return { content: gate.message, isError: true, item: { status: 'declined' } };
    return formatForeground(o.command, o.first.output, o.first.res, o.timeout, [
      `[the OS sandbox blocked this: ${o.reason}. Running it outside the sandbox was not allowed — ${gate.message}]`,
    ]);
  }
  ctx.updateItem({ cwd: o.cwd });
  let res: ExecResult;
  try {
    res = await sandbox.execOutside!(o.command, o.execOpts);
  } catch (err) {
    return errorResult(`the command could not be run outside the sandbox: ${(err as Error).message}`);
  }
  const output = capHeadTail(res.output, ctx.config.terminal.output_max_chars);
  return formatForeground(o.command, output, res, o.timeout, [
    `[ran once OUTSIDE the OS sandbox in ${o.cwd} with the user's approval (${o.reason}); the persistent shell is still confined and did not see its cd/export]`,
  ]);
}

function formatForeground(
  command: string,
  output: string,
  res: { exitCode: number | null; timedOut: boolean; interrupted: boolean; durationMs: number; cwd: string },
  timeout: number,
  extra: string[] = [],
): ToolResult {
  const notes: string[] = [...extra];
  if (res.timedOut)
    notes.push(`[timed out after ${timeout}s and was killed; for long-running commands use background: true]`);
  else if (res.interrupted) notes.push('[interrupted by the user]');
  const meaning = exitCodeMeaning(command, res.exitCode);
  const code = res.exitCode === null ? 'none (killed by a signal)' : String(res.exitCode);
  notes.push(`[exit code ${code}${meaning ? `: ${meaning}` : ''}]`);
  const body = output.trim() === '' ? '(no output)' : output.replace(/\s+$/, '');
  return {
    content: `${body}\n\n${notes.join('\n')}`,
    item: { output, exitCode: res.exitCode, durationMs: res.durationMs },
  };
}
