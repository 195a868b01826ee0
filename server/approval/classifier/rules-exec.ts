// Commands that run other commands: wrappers (sudo, env, nohup, timeout, xargs, …), shells with -c,
// eval/source/alias, interpreters with inline code, remote and multiplexer command strings.
import { parseOpts, type OptSpec } from './argv';
import type { Cmd, Rule } from './cmd';
import type { Arg } from './expand';
import { APPROVE } from './keys';
import type { StageInfo } from './producers';

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

function skipAssignments(args: Arg[], from: number): number {
  let i = from;
  while (i < args.length && ASSIGN.test(args[i].v)) i++;
  return i;
}

/** A wrapper whose options end at the first positional, which starts the wrapped command. */
function wrapper(spec: OptSpec, skipAfter = 0): Rule {
  return (c) => {
    const o = parseOpts(c.args, { ...spec, stopAtPositional: true });
    return c.run(c.args.slice(o.rest + skipAfter));
  };
}

/** Reports a code string whose value is not statically known (`sh -c "$(curl …)"`, `eval "$X"`). */
function judgeDynamicCode(c: Cmd, a: Arg, what: string): void {
  if (a.taint) {
    c.add(a.taint === 'remote' ? APPROVE.REMOTE_TO_SHELL : APPROVE.DECODED_TO_SHELL, `${what} runs content that was ${a.taint === 'remote' ? 'downloaded' : 'decoded'}`);
    return;
  }
  if (!a.dyn) return;
  const flows = c.flowsOf(a);
  if (flows.some((f) => f.remote)) c.add(APPROVE.REMOTE_TO_SHELL, `${what} runs content fetched from the network`);
  else if (flows.some((f) => f.decoded)) c.add(APPROVE.DECODED_TO_SHELL, `${what} runs decoded content`);
  else if (!(flows.length && flows.every((f) => f.envgen || f.localFile))) c.add(APPROVE.SHELL_C, `${what} runs a command string whose value cannot be known in advance`);
}

function shellString(c: Cmd, body: Arg, what: string): StageInfo {
  const nested = c.shellNesting > 0;
  judgeDynamicCode(c, body, what);
  const added = c.runScript(body.v);
  if (added > 0) c.add(APPROVE.SHELL_C, `${what} wraps commands that need approval`);
  else if (nested) c.add(APPROVE.SHELL_C, `nested shell command strings (${what} inside another)`);
  return { name: '', args: c.args, remoteInside: /\b(?:curl|wget|nc|ncat|fetch)\b/.test(body.v) };
}

function isProcSub(a: Arg): boolean {
  return !!a.w && a.w.procs.length > 0 && a.v === '/dev/fd/63';
}

/** A script file argument: process substitution, stdin, a file downloaded or made executable just before. */
function scriptFile(c: Cmd, a: Arg, sink: 'shell' | 'interpreter'): void {
  if (isProcSub(a)) {
    for (const f of c.flowsOf(a)) c.runFlow(f, sink);
    return;
  }
  if (a.v === '/dev/stdin' || a.v === '-') c.runFlow(c.stdin(), sink);
  else c.checkExecuted(a.v);
}

const shell: Rule = (c) => {
  const { args } = c;
  let i = 1;
  let cmode = false;
  let stdinMode = false;
  for (; i < args.length; i++) {
    const a = args[i].v;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if (a.startsWith('--')) continue;
    if (/^[-+][A-Za-z]+$/.test(a)) {
      if (a[0] === '-' && a.includes('c')) cmode = true;
      if (a.includes('s')) stdinMode = true;
      continue;
    }
    break;
  }
  if (cmode) {
    if (args[i]) return shellString(c, args[i], `${c.name} -c`);
    if (c.flags.xargs) c.add(APPROVE.SHELL_C, `${c.name} -c runs command strings read from stdin`);
    return;
  }
  if (i < args.length && !stdinMode) {
    scriptFile(c, args[i], 'shell');
    return;
  }
  c.runFlow(c.stdin(), 'shell');
};

const evalRule: Rule = (c) => {
  const body = c.args.slice(1);
  if (!body.length) return;
  for (const a of body) judgeDynamicCode(c, a, 'eval');
  const added = c.runScript(body.map((a) => a.v).join(' '));
  if (added > 0) c.add(APPROVE.SHELL_C, 'eval wraps commands that need approval');
  return { name: '', args: c.args };
};

const source: Rule = (c) => {
  const a = c.args[1];
  if (a) scriptFile(c, a, 'shell');
};

const alias: Rule = (c) => {
  for (const a of c.args.slice(1)) {
    const eq = a.v.indexOf('=');
    if (eq > 0) c.runScript(a.v.slice(eq + 1));
  }
};

const sudo: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'CDgpRrtTuU',
    long: ['chdir', 'group', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user', 'user', 'close-from', 'host'],
    stopAtPositional: true,
  });
  const esc = ['s', 'i', 'S', 'A', 'E', 'shell', 'login', 'stdin', 'askpass', 'preserve-env'].filter((f) => o.has(f));
  if (esc.length) c.add(APPROVE.SUDO_FLAG, `sudo with ${esc.map((f) => (f.length > 1 ? '--' : '-') + f).join(' ')} (root shell, password on stdin or preserved environment)`);
  if (o.has('e', 'edit')) {
    for (const a of c.args.slice(o.rest)) c.write(a.v, 'sudoedit');
    return;
  }
  return c.run(c.args.slice(skipAssignments(c.args, o.rest)));
};

const doas: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'uC', stopAtPositional: true });
  if (o.has('s')) c.add(APPROVE.SUDO_FLAG, 'doas -s opens a root shell');
  return c.run(c.args.slice(o.rest));
};

const su: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'cgGsw', long: ['command', 'group', 'supp-group', 'shell', 'whitelist-environment'] });
  c.add(APPROVE.SWITCH_USER, 'su switches to another user (root by default)');
  const body = o.val('c') ?? o.val('command');
  if (body !== undefined) c.runScript(body);
};

const runuser: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'cgGsuw', long: ['command', 'group', 'supp-group', 'shell', 'user'], stopAtPositional: true });
  const body = o.val('c') ?? o.val('command');
  if (body !== undefined) c.runScript(body);
  else if (o.has('u', 'user')) return c.run(c.args.slice(o.rest));
};

const env: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'uCSP',
    long: ['unset', 'chdir', 'split-string', 'block-signal', 'default-signal', 'ignore-signal', 'argv0'],
    stopAtPositional: true,
  });
  let i = o.rest;
  while (i < c.args.length && (c.args[i].v === '-' || ASSIGN.test(c.args[i].v))) i++;
  const split = o.val('S') ?? o.val('split-string');
  if (split !== undefined) {
    c.runScript([split, ...c.args.slice(i).map((a) => a.v)].join(' '));
    return { name: '', args: c.args };
  }
  return c.run(c.args.slice(i));
};

const command: Rule = (c) => {
  const o = parseOpts(c.args, { stopAtPositional: true });
  if (o.has('v', 'V')) return { name: 'command', args: c.args };
  return c.run(c.args.slice(o.rest));
};

const timeout: Rule = wrapper({ short: 'sk', long: ['signal', 'kill-after'] }, 1);
const chroot: Rule = wrapper({ long: ['userspec', 'groups'] }, 1);

const flock: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'wEc', long: ['timeout', 'conflict-exit-code', 'command'], stopAtPositional: true });
  const body = o.val('c') ?? o.val('command');
  if (body !== undefined) return shellString(c, { v: body, w: null, dyn: false }, 'flock -c');
  return c.run(c.args.slice(o.rest + 1));
};

const watch: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'nq', long: ['interval'], stopAtPositional: true });
  const rest = c.args.slice(o.rest);
  if (o.has('x', 'exec')) return c.run(rest);
  if (rest.length) c.runScript(rest.map((a) => a.v).join(' '));
};

const xargs: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'aEIdLnPs',
    long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var', 'max-lines'],
    stopAtPositional: true,
  });
  const inner = c.args.slice(o.rest);
  return c.run(inner.length ? inner : [{ v: 'echo', w: null, dyn: false }], { xargs: true });
};

const busybox: Rule = (c) => (c.args[1] && !c.args[1].v.startsWith('-') ? c.run(c.args.slice(1)) : undefined);

const npx: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'pc', long: ['package', 'call'], stopAtPositional: true });
  const body = o.val('c') ?? o.val('call');
  if (body !== undefined) return shellString(c, { v: body, w: null, dyn: false }, `${c.name} -c`);
  return c.run(c.args.slice(o.rest));
};

const systemdRun: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'upEHM',
    long: ['unit', 'property', 'description', 'slice', 'setenv', 'uid', 'gid', 'working-directory', 'on-active', 'on-boot', 'on-startup', 'on-unit-active', 'on-unit-inactive', 'on-calendar', 'timer-property', 'path-property', 'socket-property', 'machine', 'host', 'nice'],
    stopAtPositional: true,
  });
  if ([...o.flags.keys()].some((k) => k.startsWith('on-'))) c.add(APPROVE.SCHEDULED_JOB, 'systemd-run schedules a timer');
  return c.run(c.args.slice(o.rest));
};

const ssh: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'BbcDEeFIiJLlmOopQRSWw', stopAtPositional: true });
  const remote = c.args.slice(o.rest + 1);
  // The remote command is a shell string on the other machine; judge it like a local one.
  if (remote.length) c.runScript(remote.map((a) => a.v).join(' '));
  return { name: 'ssh', args: c.args };
};

const TMUX_SHELL = new Set(['new', 'new-session', 'new-window', 'neww', 'split-window', 'splitw', 'respawn-pane', 'respawnp', 'respawn-window', 'respawnw', 'run-shell', 'run']);
const TMUX_KEYS_SKIP = new Set(['enter', 'c-m', 'kpenter', 'c-j', 'space']);
const tmux: Rule = (c) => {
  const g = parseOpts(c.args, { short: 'LSf', stopAtPositional: true });
  const sub = c.args[g.rest]?.v;
  if (!sub) return;
  const o = parseOpts(c.args, { from: g.rest + 1, short: 'tcnsxyFelpLTN' });
  if (TMUX_SHELL.has(sub)) {
    if (o.pos.length) c.runScript(o.pos.map((a) => a.v).join(' '));
  } else if (sub === 'send-keys' || sub === 'send') {
    const text = o.pos.filter((a) => !TMUX_KEYS_SKIP.has(a.v.toLowerCase())).map((a) => a.v).join(' ');
    if (text) c.runScript(text);
  }
};

const screen: Rule = (c) => {
  const x = c.args.findIndex((a) => a.v === '-X');
  if (x > 0) {
    if (c.args[x + 1]?.v === 'stuff' && c.args[x + 2]) c.runScript(c.args[x + 2].v.replace(/\^M|\\n|\\r/g, '\n'));
    return;
  }
  const o = parseOpts(c.args, { short: 'SpcelLhT', stopAtPositional: true });
  if (o.has('r', 'R', 'x', 'ls', 'list', 'wipe')) return;
  return c.run(c.args.slice(o.rest));
};

const script: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'cEIOTBm', long: ['command', 'echo', 'log-in', 'log-out', 'log-timing', 'logging-format'] });
  const body = o.val('c') ?? o.val('command');
  if (body !== undefined) return shellString(c, { v: body, w: null, dyn: false }, 'script -c');
};

const at: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'qfMtT', long: ['queue', 'file'] });
  if (c.name === 'at' && o.has('l', 'r', 'd', 'c')) return;
  c.add(APPROVE.SCHEDULED_JOB, `${c.name} schedules a command to run later`);
  if (!o.has('f')) c.runFlow(c.stdin(), 'at');
};

// ---- interpreters ----

interface InlineScan {
  inline: boolean;
  /** Index of the script argument (args.length when none: code comes from stdin). */
  script: number;
  module: boolean;
  inPlace: boolean;
}

/** Short-option letters that take a value: the rest of the cluster, or the next argument when the cluster ends. */
const VALUE_LETTERS: Record<string, { inline: string; value: string; attached: string; long?: RegExp }> = {
  python: { inline: 'c', value: 'WXQ', attached: '' },
  perl: { inline: 'eE', value: '', attached: 'IMmxdDCFl0i' },
  ruby: { inline: 'e', value: 'IrCEFTWxK', attached: '0li' },
  node: { inline: 'ep', value: 'r', attached: '', long: /^--(?:eval|print)(?:=|$)/ },
  deno: { inline: '', value: '', attached: '' },
  bun: { inline: 'e', value: 'r', attached: '', long: /^--(?:eval|print)(?:=|$)/ },
  php: { inline: 'rRBE', value: 'cdzfFt', attached: '' },
  lua: { inline: 'e', value: 'l', attached: '' },
  rscript: { inline: 'e', value: '', attached: '' },
  osascript: { inline: 'e', value: 'l', attached: '' },
  expect: { inline: 'c', value: 'f', attached: '' },
  tclsh: { inline: '', value: '', attached: '' },
};

function scanInterpreter(name: string, args: Arg[]): InlineScan {
  const spec = VALUE_LETTERS[name] ?? { inline: 'ec', value: '', attached: '' };
  const r: InlineScan = { inline: false, script: args.length, module: false, inPlace: false };
  for (let i = 1; i < args.length; i++) {
    const a = args[i].v;
    if (a === '-') return { ...r, script: args.length };
    if (a === '--') return { ...r, script: i + 1 < args.length ? i + 1 : args.length };
    if (spec.long?.test(a)) {
      r.inline = true;
      continue;
    }
    if (a.startsWith('--')) continue;
    if (!a.startsWith('-') || a.length < 2) {
      if (name === 'deno' && (a === 'eval' || a === 'repl')) r.inline = r.inline || a === 'eval';
      return { ...r, script: i };
    }
    for (let k = 1; k < a.length; k++) {
      const ch = a[k];
      if (spec.inline.includes(ch)) {
        r.inline = true;
        if (k === a.length - 1) i++; // the code argument
        break;
      }
      if (name === 'python' && ch === 'm') return { ...r, module: true, script: i };
      if ((name === 'perl' || name === 'ruby') && ch === 'i') r.inPlace = true;
      if (spec.attached.includes(ch)) break;
      if (spec.value.includes(ch)) {
        if (k === a.length - 1) i++;
        break;
      }
    }
  }
  return r;
}

const interpreter: Rule = (c) => {
  const name = c.name === 'nodejs' ? 'node' : c.name;
  const s = scanInterpreter(name, c.args);
  if (s.inline) c.add(APPROVE.INLINE_CODE, `${c.name} runs inline code given on the command line`);
  if (s.inPlace) {
    // perl -pi -e '…' files / ruby -i: everything positional after the code is edited in place.
    for (const a of c.args.slice(1).filter((x) => !x.v.startsWith('-'))) c.write(a.v, `${c.name} -i`);
  }
  if (s.inline || s.module) return;
  if (s.script < c.args.length) scriptFile(c, c.args[s.script], 'interpreter');
  else c.runFlow(c.stdin(), 'interpreter');
};

const pwsh: Rule = (c) => {
  if (c.args.slice(1).some((a) => /^-(?:c|command|e|ec|encodedcommand)$/i.test(a.v))) {
    c.add(APPROVE.INLINE_CODE, `${c.name} runs an inline command`);
  }
};

const AWK_EXEC = /\bsystem\s*\(|\|\s*(?:getline\b|")|"\s*\|\s*getline/;
const awk: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'fFvWe', long: ['file', 'field-separator', 'assign', 'source', 'include', 'load'] });
  const progs = o.has('f', 'file') ? [...(o.flags.get('e') ?? []), ...(o.flags.get('source') ?? [])] : [o.pos[0]?.v ?? '', ...(o.flags.get('e') ?? [])];
  if (progs.some((p) => AWK_EXEC.test(p))) c.add(APPROVE.INLINE_CODE, `${c.name} program runs shell commands (system() or a command pipe)`);
};

export const EXEC_RULES: Record<string, Rule> = {
  sh: shell, bash: shell, zsh: shell, dash: shell, ksh: shell, ash: shell, mksh: shell, fish: shell, yash: shell,
  posh: shell, rbash: shell, csh: shell, tcsh: shell,
  eval: evalRule, source: source, '.': source, alias,
  sudo, doas, su, runuser, env, command, builtin: wrapper({}), exec: wrapper({ short: 'a' }),
  nohup: wrapper({}), setsid: wrapper({}), nice: wrapper({ short: 'n', long: ['adjustment'], numeric: true }),
  ionice: wrapper({ short: 'cnp', long: ['class', 'classdata', 'pid'] }), time: wrapper({ short: 'fo', long: ['format', 'output'] }),
  timeout, chroot, flock, watch, xargs, stdbuf: wrapper({ short: 'ioe', long: ['input', 'output', 'error'] }),
  strace: wrapper({ short: 'eoOpPsSuabEIX' }), ltrace: wrapper({ short: 'eoOpPsSuabEIX' }),
  nsenter: wrapper({ short: 't', long: ['target'] }), unshare: wrapper({}), chronic: wrapper({}), unbuffer: wrapper({}),
  proxychains: wrapper({ short: 'f' }), proxychains4: wrapper({ short: 'f' }), torsocks: wrapper({}), firejail: wrapper({}),
  caffeinate: wrapper({ short: 'tw' }), catchsegv: wrapper({}), 'xvfb-run': wrapper({ short: 'nfesp' }),
  busybox, toybox: busybox, npx, bunx: npx, pnpx: npx, 'systemd-run': systemdRun,
  ssh, tmux, screen, script, at, batch: at,
  python: interpreter, perl: interpreter, ruby: interpreter, node: interpreter, nodejs: interpreter, deno: interpreter,
  bun: interpreter, php: interpreter, lua: interpreter, luajit: interpreter, rscript: interpreter, osascript: interpreter,
  expect: interpreter, tclsh: interpreter, wish: interpreter,
  pwsh, powershell: pwsh,
  awk, gawk: awk, mawk: awk, nawk: awk, busyboxawk: awk,
};
