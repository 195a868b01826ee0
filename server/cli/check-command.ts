// `hermes-host check-command [--json] -- <command>`: the classifier's verdict for users and audits.
// Exit codes: 0 allow, 1 approve (asks first), 2 block (never runs).
import { homedir } from 'node:os';
import { classifyCommand, formatVerdict, verdictExitCode, verdictToJson } from '../approval/classifier';
import { createLocalProbe } from '../approval/fs-probe';

export function runCheckCommand(command: string, opts: { json?: boolean; hermesHome: string; cwd?: string }): number {
  // Files the command would run (scripts, package.json, Makefile, git config) are read as the local gate reads them.
  const v = classifyCommand(command, { home: homedir(), hermesHome: opts.hermesHome, cwd: opts.cwd ?? process.cwd(), probe: createLocalProbe() });
  process.stdout.write(opts.json ? JSON.stringify(verdictToJson(v), null, 2) + '\n' : formatVerdict(v) + '\n');
  return verdictExitCode(v);
}
