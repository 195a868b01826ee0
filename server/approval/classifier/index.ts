// Dangerous-command classifier: normalise, split, classify every part, worst part wins.
//
// `hermes-host check-command [--json] -- <command>` prints formatVerdict(v) (or verdictToJson(v) with --json)
// and exits with verdictExitCode(v):
//   0  allow    no dangerous pattern
//   1  approve  the gate asks the user first
//   2  block    hard-line: refused even with approvals off
export { classifyCommand } from './classify';
export { classifyPath } from './classify-path';
export { formatVerdict, verdictExitCode, verdictToJson, type VerdictJson } from './format';
export { APPROVE, BLOCK, isHardline, severityOf } from './keys';
export { normalizeCommand, normalizeText } from './normalize';
export { parseShell, splitCommand } from './shell-split';
export type { ClassifyOptions, Finding, FsProbe, PathOptions, PathVerdict, Severity, ShellState, Verdict, VerdictKind } from './types';
export { stdinConsumer } from './stdin-consumer';
