// Interpreters: inline code (`python -c`, `perl -e`, `node -e`, `php -r`, …), code read from stdin or a
// heredoc, scripts fetched through process substitution, awk programs that call system().
import { parseOpts } from './argv';
import type { Rule } from './cmd';
import { judgeDynamicCode, scriptFile } from './code-args';
import type { Arg } from './expand';
import { APPROVE } from './keys';

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
  if (s.inline) {
    c.add(APPROVE.INLINE_CODE, `${c.name} runs inline code given on the command line`);
    for (const a of c.args) if (a.taint || a.dyn) judgeDynamicCode(c, a, `${c.name} inline code`);
  }
  if (s.inPlace) {
    // perl -pi -e '…' files / ruby -i: everything positional after the code is edited in place.
    for (const a of c.args.slice(1).filter((x) => !x.v.startsWith('-'))) c.write(a.v, `${c.name} -i`);
  }
  if (s.inline) {
    // Shell strings inside the code (`os.system("rm -rf ~")`) are judged as commands.
    for (const a of c.args.slice(1)) if (!a.v.startsWith('-') && /[("'`]/.test(a.v)) c.judgeProgram(a.v, `${c.name} inline code`);
  }
  if (s.inline || s.module) return;
  if (s.script < c.args.length) {
    // The host's own CLI run through the interpreter (`node …/main.js config set …`) is still the host's CLI.
    const after = c.args.slice(s.script + 1);
    if (after.length && /^(?:config|allowlist|approvals?|setup|login|gateway|stop|restart|update|uninstall|model)$/.test(after[0].v)) {
      c.run([{ v: 'hermes-host', w: null, dyn: false }, ...after]);
    }
    scriptFile(c, c.args[s.script], 'interpreter');
  } else c.runFlow(c.stdin(), 'interpreter');
};

const pwsh: Rule = (c) => {
  const k = c.args.findIndex((a, i) => i > 0 && /^-(?:c|command|e|ec|encodedcommand)$/i.test(a.v));
  if (k > 0) c.add(APPROVE.INLINE_CODE, `${c.name} runs an inline command`);
  // The command text (after -Command, or the positional words) is judged for destructive cmdlets too.
  const body = k > 0 ? c.args.slice(k + 1) : c.args.slice(1).filter((a) => !a.v.startsWith('-'));
  if (body.length && !/^-(?:e|ec|encodedcommand)$/i.test(c.args[k]?.v ?? '')) c.runScript(body.map((a) => a.v).join(' '));
};

const AWK_EXEC = /\bsystem\s*\(|\|\s*(?:getline\b|")|"\s*\|\s*getline/;
const awk: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'fFvWe', long: ['file', 'field-separator', 'assign', 'source', 'include', 'load'] });
  const progs = o.has('f', 'file') ? [...(o.flags.get('e') ?? []), ...(o.flags.get('source') ?? [])] : [o.pos[0]?.v ?? '', ...(o.flags.get('e') ?? [])];
  if (progs.some((p) => AWK_EXEC.test(p))) c.add(APPROVE.INLINE_CODE, `${c.name} program runs shell commands (system() or a command pipe)`);
};


/** `man -P 'sh -c …'`: the pager (or browser) is a shell command. */
const man: Rule = (c) => {
  for (let i = 1; i < c.args.length; i++) {
    const v = c.args[i].v;
    const prog = v === '-P' || v === '--pager' || v === '-H' || v === '--html' ? c.args[++i]?.v : /^--(?:pager|html)=/.test(v) ? v.slice(v.indexOf('=') + 1) : undefined;
    if (prog) c.runScript(prog);
  }
};

/** `gdb -ex '!sh'`, `gdb -batch -ex 'shell …'`, `-ex 'python …'`: debugger commands that run a shell or code. */
const gdb: Rule = (c) => {
  for (let i = 1; i < c.args.length; i++) {
    const v = c.args[i].v;
    const cmd = v === '-ex' || v === '--ex' || v === '-eval-command' || v === '--eval-command' || v === '-iex' ? c.args[++i]?.v ?? '' : v.startsWith('--eval-command=') ? v.slice(15) : null;
    if (cmd === null) continue;
    const sh = /^\s*(?:!|shell\s+)(.*)$/s.exec(cmd);
    if (sh) c.runScript(sh[1]);
    if (sh || /^\s*(?:python|pi|guile|call\s+(?:\(int\))?system)/.test(cmd)) c.add(APPROVE.INLINE_CODE, `${c.name} runs a debugger command that starts a shell or code (${cmd})`);
  }
};

export const INTERP_RULES: Record<string, Rule> = {
  man, gdb, lldb: gdb,
  python: interpreter, perl: interpreter, ruby: interpreter, node: interpreter, nodejs: interpreter, deno: interpreter,
  bun: interpreter, php: interpreter, lua: interpreter, luajit: interpreter, rscript: interpreter, osascript: interpreter,
  expect: interpreter, tclsh: interpreter, wish: interpreter,
  pwsh, powershell: pwsh,
  awk, gawk: awk, mawk: awk, nawk: awk,
};
