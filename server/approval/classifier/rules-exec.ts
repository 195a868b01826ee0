// Commands that run other commands: wrappers (sudo, env, nohup, timeout, xargs, …), shells with -c,
// eval/source/alias, remote and multiplexer command strings, reverse shells, `at` jobs.
import { cmdName, parseOpts, type OptSpec } from './argv';
import type { Cmd, Rule } from './cmd';
import { judgeDynamicCode, scriptFile } from './code-args';
import type { Arg } from './expand';
import { APPROVE } from './keys';
import type { StageInfo } from './producers';

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The value of a long option given by a GNU abbreviation (`--sp=…` for `--split-string=…`). */
function longAbbrev(o: { flags: Map<string, string[]> }, full: string[]): string | undefined {
  for (const [k, v] of o.flags) {
    if (k.length >= 2 && full.some((f) => f.startsWith(k)) && v[0] !== '') return v[0];
  }
  return undefined;
}

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

function shellString(c: Cmd, body: Arg, what: string, params: Arg[] = []): StageInfo {
  const nested = c.shellNesting > 0;
  judgeDynamicCode(c, body, what);
  // `sh -c 'body' $0 $1 …`: the words after the body become $0, $1, …
  const added = c.runScript(body.v, params.slice(1).map((a) => a.v));
  if (added > 0) c.add(APPROVE.SHELL_C, `${what} wraps commands that need approval`);
  else if (nested) c.add(APPROVE.SHELL_C, `nested shell command strings (${what} inside another)`);
  return { name: '', args: c.args, remoteInside: /\b(?:curl|wget|nc|ncat|fetch)\b/.test(body.v) };
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
    if (args[i]) return shellString(c, args[i], `${c.name} -c`, args.slice(i + 1));
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
    if (eq <= 0) continue;
    const name = a.v.slice(0, eq);
    const body = a.v.slice(eq + 1);
    // The alias persists: its text is judged now and every later use expands to it.
    c.runScript(body);
    c.defineAlias(name, body);
    const target = cmdName(body.trim().split(/\s+/)[0] ?? '');
    if (DANGEROUS_TARGET.test(target) && target !== name) c.add(APPROVE.SHELL_STATE, `alias ${name} runs ${target} under another name from now on`);
  }
};

/** Programs whose renaming hides what a later command does. */
const DANGEROUS_TARGET = /^(?:rm|dd|mkfs|shred|wipefs|truncate|kill|pkill|killall|shutdown|reboot|halt|poweroff|sh|bash|zsh|dash|eval|exec|sudo|su|chmod|chown|curl|wget|nc|python|perl|ruby|node|find|xargs)$/;

const trap: Rule = (c) => {
  const pos = c.args.slice(1).filter((a) => a.v !== '--' && !/^-[lp]$/.test(a.v));
  if (pos.length < 2 || c.args.some((a) => a.v === '-l' || a.v === '-p')) return;
  const body = pos[0].v;
  if (body === '' || body === '-') return;
  const sigs = pos.slice(1).map((a) => a.v.toUpperCase().replace(/^SIG/, ''));
  const n = c.runScript(body);
  if (n > 0 || sigs.some((s) => s === 'DEBUG' || s === 'RETURN' || s === 'ERR')) {
    c.add(APPROVE.SHELL_STATE, `trap on ${sigs.join(' ')} runs ${JSON.stringify(body)} around later commands in this shell`);
  }
};

const enable: Rule = (c) => {
  if (c.args.some((a) => /^-[a-z]*f/.test(a.v))) c.add(APPROVE.SHELL_STATE, 'enable -f loads a shared library into the shell as a builtin');
};

const hash: Rule = (c) => {
  if (c.args.some((a) => /^-[a-z]*p/.test(a.v))) c.add(APPROVE.SHELL_STATE, 'hash -p makes a command name run another file from now on');
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

/** polkit's sudo: runs the rest as root (a root shell when it is a shell). */
const pkexec: Rule = (c) => {
  const o = parseOpts(c.args, { long: ['user'], stopAtPositional: true });
  c.add(APPROVE.SWITCH_USER, 'pkexec runs a program as root');
  return c.run(c.args.slice(o.rest));
};

const doas: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'uC', stopAtPositional: true });
  if (o.has('s')) c.add(APPROVE.SUDO_FLAG, 'doas -s opens a root shell');
  return c.run(c.args.slice(o.rest));
};

const su: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'cgGsw', long: ['command', 'group', 'supp-group', 'shell', 'whitelist-environment', 'session-command'] });
  c.add(APPROVE.SWITCH_USER, 'su switches to another user (root by default)');
  const body = o.val('c') ?? o.val('command') ?? o.val('session-command') ?? longAbbrev(o, ['command', 'session-command']);
  if (body !== undefined) c.runScript(body);
};

const runuser: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'cgGsuw', long: ['command', 'group', 'supp-group', 'shell', 'user', 'session-command'], stopAtPositional: true });
  const body = o.val('c') ?? o.val('command') ?? o.val('session-command');
  if (body !== undefined) c.runScript(body);
  else if (o.has('u', 'user')) return c.run(c.args.slice(o.rest));
};

const env: Rule = (c) => {
  // `--sp 'cmd'`: an abbreviated long option taking the next word.
  const ab = c.args.findIndex((a, i) => i > 0 && /^--s(?:p(?:l(?:i(?:t(?:-(?:s(?:t(?:r(?:i(?:n(?:g)?)?)?)?)?)?)?)?)?)?)?$/.test(a.v));
  if (ab > 0 && c.args[ab + 1]) {
    c.runScript(c.args.slice(ab + 1).map((a) => a.v).join(' '));
    return { name: '', args: c.args };
  }
  const o = parseOpts(c.args, {
    short: 'uCSP',
    long: ['unset', 'chdir', 'split-string', 'block-signal', 'default-signal', 'ignore-signal', 'argv0'],
    stopAtPositional: true,
  });
  let i = o.rest;
  while (i < c.args.length && (c.args[i].v === '-' || ASSIGN.test(c.args[i].v))) i++;
  const split = o.val('S') ?? o.val('split-string') ?? longAbbrev(o, ['split-string']);
  if (split !== undefined) {
    c.runScript([split, ...c.args.slice(i).map((a) => a.v)].join(' '));
    return { name: '', args: c.args };
  }
  // Without a command, env prints the environment.
  if (i >= c.args.length) return { name: 'env', args: c.args.slice(0, 1) };
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
  const text = c.stdin()?.content;
  const rep = o.val('I') ?? (o.has('i') ? '{}' : undefined);
  if (text != null && inner.length) {
    // The input is known (`echo ~ | xargs rm -rf`): judge the command it builds, too.
    const items = (o.has('0') ? text.split('\0') : rep !== undefined ? text.split('\n') : text.split(/\s+/)).filter(Boolean).slice(0, 16);
    if (rep !== undefined) for (const it of items) c.run(inner.map((a) => ({ ...a, v: a.v.split(rep).join(it) })));
    else if (items.length) c.run([...inner, ...items.map((v) => ({ v, w: null, dyn: false }))]);
  }
  return c.run(inner.length ? inner : [{ v: 'echo', w: null, dyn: false }], { xargs: true });
};

/** GNU parallel: `parallel cmd ::: args` runs cmd once per arg; `parallel ::: cmds` runs each arg as a command. */
const parallel: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'jnNPSaIEd', long: ['jobs', 'max-args', 'sshlogin', 'arg-file', 'delay', 'timeout', 'joblog', 'results', 'colsep', 'env', 'workdir'], stopAtPositional: true });
  const rest = c.args.slice(o.rest).map((a) => a.v);
  const sep = rest.findIndex((a) => a === ':::' || a === '::::' || a === ':::+');
  const cmd = (sep < 0 ? rest : rest.slice(0, sep)).join(' ');
  const values = sep < 0 ? [] : rest.slice(sep + 1).filter((a) => !a.startsWith(':::'));
  if (!cmd) for (const v of values) c.runScript(v);
  else if (!values.length) c.runScript(cmd);
  else for (const v of values) c.runScript(cmd.includes('{}') ? cmd.split('{}').join(v) : `${cmd} ${v}`);
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
  for (const opt of o.flags.get('o') ?? []) {
    const m = /^(?:proxycommand|localcommand|knownhostscommand|remotecommand)[= ]\s*(.*)$/is.exec(opt);
    if (m) c.runScript(m[1]);
  }
  const remote = c.args.slice(o.rest + 1);
  // The remote command is a shell string on the other machine; judge it like a local one. Without one, stdin
  // (`… | ssh host`, `ssh host <<EOF`) is the remote shell's script.
  let n = 0;
  if (remote.length) n = c.runScript(remote.map((a) => a.v).join(' '));
  else if (o.rest < c.args.length && !o.has('N', 'L', 'R', 'D', 'W')) {
    const flow = c.stdin();
    if (flow?.content != null) n = c.runScript(flow.content);
    else if (flow) c.runFlow(flow, 'shell');
  }
  if (n > 0) c.add(APPROVE.REMOTE_EXEC, 'the command runs on another machine over ssh');
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

/** `nc -e /bin/sh`, `socat … exec:bash`: a shell served over the network. */
const netShell: Rule = (c) => {
  const args = c.args.slice(1).map((a) => a.v);
  const hit =
    c.name === 'socat'
      ? args.some((a) => /^(?:exec|system):/i.test(a))
      : args.some((a) => /^-[a-zA-Z]*[ec]$/.test(a) || a.startsWith('--exec') || a.startsWith('--sh-exec') || a.startsWith('--lua-exec'));
  if (hit) c.add(APPROVE.NET_SHELL, `${c.name} serves a program over the network (reverse shell)`);
};

const read: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'adnNptu' });
  const text = c.stdin()?.content;
  if (text == null) return;
  const fields = text.split('\n')[0].split(/[ \t]+/).filter(Boolean);
  const names = o.pos.map((a) => a.v);
  names.forEach((n, k) => c.setVar(n, k === names.length - 1 ? fields.slice(k).join(' ') : (fields[k] ?? '')));
};

/** `taskset [-c] mask cmd` / `taskset -p …` (no command). */
const taskset: Rule = (c) => {
  const o = parseOpts(c.args, { stopAtPositional: true });
  if (o.has('p', 'pid')) return;
  return c.run(c.args.slice(o.rest + 1));
};

/** `chrt [opts] prio cmd`; `chrt -p …` changes a running process. */
const chrt: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'T', long: ['sched-runtime', 'sched-deadline', 'sched-period'], stopAtPositional: true });
  if (o.has('p', 'pid')) return;
  return c.run(c.args.slice(o.rest + 1));
};

/** `sg group -c cmd` or `sg group cmd…` (a command string). */
const sg: Rule = (c) => {
  const rest = c.args.slice(1).filter((a) => a.v !== '-' && a.v !== '--');
  const k = rest.findIndex((a) => a.v === '-c');
  const body = k >= 0 ? rest[k + 1]?.v : rest.slice(1).map((a) => a.v).join(' ');
  if (body) c.runScript(body);
};

/** Wrappers whose options all look like `--name=value` or plain flags (setpriv, prlimit, …). */
const longWrapper: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'gGu', stopAtPositional: true });
  return c.run(c.args.slice(o.rest));
};

/** `uv run`, `poetry run`, `pipenv run`, `bundle exec`, `conda run -n x`, `direnv exec dir`: run the rest. */
const subWrapper = (verbs: string[], skip = 0): Rule => (c) => {
  const k = c.args.findIndex((a, i) => i > 0 && verbs.includes(a.v));
  if (k < 0) return;
  const o = parseOpts(c.args, { from: k + 1, short: 'npC', long: ['name', 'prefix', 'with', 'python', 'directory', 'project', 'env-file', 'package', 'from'], stopAtPositional: true });
  return c.run(c.args.slice(o.rest + skip));
};

export const EXEC_RULES: Record<string, Rule> = {
  taskset, chrt, sg, setpriv: longWrapper, prlimit: longWrapper, numactl: longWrapper, cgexec: wrapper({ short: 'g' }),
  fakeroot: wrapper({}), faketime: wrapper({}, 1), eatmydata: wrapper({}), nocache: wrapper({}), 'systemd-inhibit': longWrapper,
  runcon: wrapper({}), 'aa-exec': wrapper({ short: 'pn' }), chpst: wrapper({ short: 'uUeb' }), setuidgid: wrapper({}, 1),
  cpulimit: wrapper({ short: 'lpe' }), trickle: wrapper({ short: 'udwtlsn' }), 'dbus-launch': wrapper({}),
  uv: subWrapper(['run']), poetry: subWrapper(['run']), pipenv: subWrapper(['run']), bundle: subWrapper(['exec']),
  conda: subWrapper(['run']), mamba: subWrapper(['run']), pixi: subWrapper(['run']), direnv: subWrapper(['exec'], 1),
  'flatpak-spawn': longWrapper, trap, enable, hash,
  sh: shell, bash: shell, zsh: shell, dash: shell, ksh: shell, ash: shell, mksh: shell, fish: shell, yash: shell,
  posh: shell, rbash: shell, csh: shell, tcsh: shell,
  eval: evalRule, source: source, '.': source, alias,
  sudo, doas, pkexec, su, runuser, env, command, builtin: wrapper({}), exec: wrapper({ short: 'a' }),
  nohup: wrapper({}), setsid: wrapper({}), nice: wrapper({ short: 'n', long: ['adjustment'], numeric: true }),
  ionice: wrapper({ short: 'cnp', long: ['class', 'classdata', 'pid'] }), time: wrapper({ short: 'fo', long: ['format', 'output'] }),
  timeout, chroot, flock, watch, xargs, parallel, stdbuf: wrapper({ short: 'ioe', long: ['input', 'output', 'error'] }),
  strace: wrapper({ short: 'eoOpPsSuabEIX' }), ltrace: wrapper({ short: 'eoOpPsSuabEIX' }),
  nsenter: wrapper({ short: 't', long: ['target'] }), unshare: wrapper({}), chronic: wrapper({}), unbuffer: wrapper({}),
  proxychains: wrapper({ short: 'f' }), proxychains4: wrapper({ short: 'f' }), torsocks: wrapper({}), firejail: wrapper({}),
  caffeinate: wrapper({ short: 'tw' }), catchsegv: wrapper({}), 'xvfb-run': wrapper({ short: 'nfesp' }),
  busybox, toybox: busybox, npx, bunx: npx, pnpx: npx, 'systemd-run': systemdRun,
  ssh, tmux, screen, script, at, batch: at, read,
  nc: netShell, ncat: netShell, netcat: netShell, socat: netShell,
};
