// classifyCommand: normalise, parse, walk; the verdict is the worst finding.
import { homedir } from 'node:os';
import { normalizeCommand } from './normalize';
import { normalizeAbs } from './paths';
import { parseShell } from './shell-split';
import type { ClassifyOptions, Ctx, Finding, Verdict } from './types';
import { Walker } from './walker';

let lastCtxKey = '';
let lastCtx: Ctx | null = null;

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

let lastOpts: { home?: string; hermesHome?: string; hostPid?: number } | null = null;

export function makeCtx(opts: { home?: string; hermesHome?: string; hostPid?: number } = {}): Ctx {
  // Callers pass the same options object again and again; its fields decide the context.
  if (lastCtx && lastOpts && opts.home === lastOpts.home && opts.hermesHome === lastOpts.hermesHome && opts.hostPid === lastOpts.hostPid && opts.home !== undefined && opts.hermesHome !== undefined) {
    return lastCtx;
  }
  lastOpts = { home: opts.home, hermesHome: opts.hermesHome, hostPid: opts.hostPid };
  const homeRaw = stripSlash(opts.home ?? homedir());
  let hh = opts.hermesHome ?? process.env.HERMES_HOME ?? `${homeRaw}/.hermes`;
  if (hh === '~' || hh.startsWith('~/')) hh = homeRaw + hh.slice(1);
  const key = `${homeRaw}\0${hh}\0${opts.hostPid ?? ''}`;
  if (key === lastCtxKey && lastCtx) return lastCtx;
  const home = normalizeAbs(homeRaw.toLowerCase());
  lastCtx = {
    home,
    hermesHome: normalizeAbs(stripSlash(hh).toLowerCase()),
    hermesHomeDefault: home === '/' ? '/.hermes' : `${home}/.hermes`,
    hostPid: opts.hostPid,
    homeRaw,
    hermesHomeRaw: stripSlash(hh),
  };
  lastCtxKey = key;
  return lastCtx;
}

function worst(findings: Finding[]): Verdict['verdict'] {
  let v: Verdict['verdict'] = 'allow';
  for (const f of findings) {
    if (f.severity === 'block') return 'block';
    v = 'approve';
  }
  return v;
}

/** Classifies a shell command line. Pure and synchronous: nothing is run, read or written. */
export function classifyCommand(command: string, opts: ClassifyOptions = {}): Verdict {
  const ctx = makeCtx(opts);
  const w = new Walker(ctx, opts.cwd, { probe: opts.probe, state: opts.state });
  w.walkScript(parseShell(normalizeCommand(command, ctx.homeRaw, ctx.hermesHomeRaw)), 0, null);
  const v: Verdict = { verdict: worst(w.findings), reasons: w.findings, parts: w.parts };
  if (w.stateChanged) v.state = w.state;
  return v;
}
