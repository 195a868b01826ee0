// `execute_code`: the model writes a script (JavaScript always; Python when python3 is installed) that calls the
// host's file, web and foreground terminal tools through a generated `hermes_tools` module, so a pipeline of many
// steps costs one turn. Each call inside runs the real tool with this turn's context — a terminal command asks the
// approval gate exactly as a direct call would — and the script process itself is confined (confined-run.ts), so
// going around the tools gains nothing. Hermes's limits: 300 s, 50 tool calls, 50 KB stdout, 10 KB stderr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ToolRegistry } from '../registry';
import { errorResult, type Tool, type ToolContext } from '../types';
import { capHeadTail } from '../output';
import { redact } from '../../util/redact';
import { resolveConfinement } from '../../sandbox/local';
import { probeBwrap } from '../../sandbox/bwrap';
import { ToolChannel, type RpcCall } from './rpc-server';
import { jsGlobals, jsModule, pythonModule, stubParams, type StubTool } from './stubs';
import { findPython, runConfined } from './confined-run';

/** Tools a script may call (Hermes's SANDBOX_ALLOWED_TOOLS), when the turn itself may use them. */
export const SCRIPT_TOOLS = ['read_file', 'write_file', 'patch', 'search_files', 'web_search', 'web_extract', 'terminal'];
const READ_ONLY = new Set(['read_file', 'search_files', 'web_search', 'web_extract']);
/** Terminal arguments a script cannot use: it gets foreground commands only. */
const TERMINAL_STRIPPED = ['background', 'pty'];
const STDOUT_MAX = 50_000;
const STDERR_MAX = 10_000;
const INNER_SOCKET = '/tmp/.hermes-rpc.sock';

const ExecuteCodeArgs = z.object({
  code: z.string().min(1).describe('The script. JavaScript runs as an ES module (top-level await works); Python as a normal script.'),
  language: z.enum(['javascript', 'python']).default('javascript').describe('javascript (always available) or python (when python3 is installed).'),
});
type ExecuteCodeArgs = z.infer<typeof ExecuteCodeArgs>;

export interface ExecuteCodeDeps {
  registry: ToolRegistry;
  env: () => Record<string, string | undefined>;
  hermesHome: string;
}

export function createExecuteCodeTool(deps: ExecuteCodeDeps): Tool<ExecuteCodeArgs> {
  return {
    name: 'execute_code',
    toolset: 'code_execution',
    description:
      'Run a script that calls tools itself, for work of 3+ tool calls with logic between them (loops, filtering, ' +
      'aggregating): only what the script prints comes back, so large intermediate results never fill the context. ' +
      `Functions: ${SCRIPT_TOOLS.join(', ')} (each takes the tool's arguments — an object, or positionally — and returns ` +
      "its text result; terminal is foreground-only). JavaScript: `const t = await read_file('a.txt')` (also importable " +
      "from 'hermes_tools'). Python: `from hermes_tools import read_file, terminal` (plus json_parse, shell_quote, retry). " +
      'The script runs in the current directory with a read-only view of the files and no network: change files ' +
      'and run commands through the functions (commands still need approval like direct ones); scratch space is /tmp. ' +
      'Limits: 5-minute timeout, 50 tool calls, 50 KB of stdout. Print what you need to see.',
    schema: ExecuteCodeArgs,
    parallelSafe: false,
    maxResultChars: STDOUT_MAX + STDERR_MAX + 2_000,
    available: ({ config }) => {
      if (config.terminal.backend !== 'local') return `execute_code runs scripts on the local backend only (terminal.backend is ${config.terminal.backend})`;
      if (config.terminal.sandbox === 'off') return 'execute_code needs the OS sandbox to confine its scripts (terminal.sandbox is off)';
      const probe = probeBwrap();
      return probe.ok ? true : `execute_code needs the OS sandbox to confine its scripts: ${probe.error}`;
    },
    async run(args, ctx) {
      const c = resolveConfinement({ terminal: ctx.config.terminal, cwd: ctx.cwd, hermesHome: deps.hermesHome });
      if (!c.policy) return errorResult(`the script cannot be confined here (${c.error ?? c.warning ?? 'the OS sandbox is off'}), so it is not run`);
      const python = args.language === 'python' ? findPython(deps.env().PATH) : undefined;
      if (args.language === 'python' && !python) return errorResult('python3 is not installed here; write the script in javascript');

      const tools = scriptTools(deps.registry, ctx, deps.env());
      const scratch = mkdtempSync(join(tmpdir(), 'hermes-exec-'));
      let writes: Promise<unknown> = Promise.resolve();
      const channel = new ToolChannel({
        path: join(scratch, '.hermes-rpc.sock'),
        allowed: new Set(tools.map((t) => t.name)),
        maxCalls: ctx.config.code_execution.max_tool_calls,
        dispatch: (call, n) => {
          // Reads and searches may overlap (Promise.all in the script); writes and commands go one at a time, in order.
          if (READ_ONLY.has(call.tool)) return dispatch(deps.registry, ctx, call, n);
          const run = writes.then(() => dispatch(deps.registry, ctx, call, n));
          writes = run.catch(() => undefined);
          return run;
        },
      });
      try {
        let argv: string[];
        if (python) {
          writeFileSync(join(scratch, 'hermes_tools.py'), pythonModule(tools));
          writeFileSync(join(scratch, 'script.py'), `from hermes_tools import *  # noqa\n${args.code}`);
          argv = [python, '-B', '/tmp/script.py'];
        } else {
          const pkg = join(scratch, 'node_modules', 'hermes_tools');
          mkdirSync(pkg, { recursive: true });
          writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'hermes_tools', type: 'module', exports: './index.mjs' }));
          writeFileSync(join(pkg, 'index.mjs'), jsModule(tools));
          writeFileSync(join(pkg, 'globals.mjs'), jsGlobals());
          writeFileSync(join(scratch, 'script.mjs'), args.code);
          argv = [process.execPath, '--import', 'file:///tmp/node_modules/hermes_tools/globals.mjs', '/tmp/script.mjs'];
        }
        await channel.listen();
        const env = deps.env();
        const res = await runConfined({
          policy: c.policy,
          scratch,
          cwd: ctx.cwd,
          argv,
          // Nothing of the host's environment but what an interpreter needs: no keys, no tokens.
          env: {
            PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
            HOME: env.HOME ?? homedir(),
            LANG: env.LANG ?? 'C.UTF-8',
            TMPDIR: '/tmp',
            HERMES_RPC_SOCKET: INNER_SOCKET,
            PYTHONPATH: '/tmp',
            PYTHONDONTWRITEBYTECODE: '1',
            PYTHONUNBUFFERED: '1',
            NODE_NO_WARNINGS: '1',
          },
          timeoutMs: ctx.config.code_execution.timeout * 1000,
          signal: ctx.signal,
          keepChars: STDOUT_MAX * 2,
        });
        const status = res.interrupted ? 'interrupted' : res.timedOut ? 'timeout' : res.exitCode === 0 ? 'success' : 'error';
        const body: Record<string, unknown> = {
          status,
          output: redact(capHeadTail(res.stdout, STDOUT_MAX)),
          ...(res.stderr.trim() ? { stderr: redact(capHeadTail(res.stderr, STDERR_MAX)) } : {}),
          exit_code: res.exitCode,
          tool_calls_made: channel.calls,
          duration_seconds: Math.round(res.durationMs / 100) / 10,
        };
        if (status === 'timeout') body.error = `the script ran longer than ${ctx.config.code_execution.timeout} s and was killed`;
        if (status === 'interrupted') body.error = 'execution interrupted by the user';
        return { content: JSON.stringify(body, null, 1), ...(status === 'success' ? {} : { isError: true }) };
      } finally {
        await channel.close();
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** The script tools this turn may use: the allowlist, within the turn's toolsets, minus what its policy withholds. */
function scriptTools(registry: ToolRegistry, ctx: ToolContext, env: Record<string, string | undefined>): StubTool[] {
  const blocked = new Set(ctx.policy.blockedTools ?? []);
  const active = new Set(registry.active({ config: ctx.config, env }, ctx.policy.toolsets).tools.map((t) => t.name));
  return SCRIPT_TOOLS.filter((n) => active.has(n) && !blocked.has(n))
    .map((n) => registry.get(n)!)
    .map((t) => ({ name: t.name, params: stubParams((registry.schema(t) as unknown as { function: { parameters: { properties?: Record<string, unknown>; required?: string[] } } }).function.parameters) }));
}

/** One call from the script: validated like a model's call, run with this turn's context, its text returned. */
async function dispatch(registry: ToolRegistry, ctx: ToolContext, call: RpcCall, n: number): Promise<string> {
  const tool = registry.get(call.tool)!;
  let raw = call.args && typeof call.args === 'object' && !Array.isArray(call.args) ? { ...(call.args as Record<string, unknown>) } : {};
  if (tool.name === 'terminal') raw = Object.fromEntries(Object.entries(raw).filter(([k]) => !TERMINAL_STRIPPED.includes(k)));
  const parsed = tool.schema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return `Error: invalid arguments for ${tool.name}: ${why}`;
  }
  ctx.log.debug('execute_code tool call', { tool: tool.name, n });
  const inner: ToolContext = {
    ...ctx,
    callId: `${ctx.callId}#${n}`,
    log: ctx.log.child(tool.name),
    // The script's card stays one card: inner output is not streamed into it.
    output: () => {},
    updateItem: () => {},
  };
  try {
    const r = await tool.run(parsed.data, inner);
    return redact(r.content);
  } catch (e) {
    return `Error: ${tool.name} failed: ${redact((e as Error).message)}`;
  }
}
