// Arguments that hold code: a command string whose value is only known at run time, a script file that is
// a process substitution, stdin, or a file downloaded or written earlier in the same command line.
import type { Cmd } from './cmd';
import type { Arg } from './expand';
import { APPROVE } from './keys';

/** Reports a code string whose value is not statically known (`sh -c "$(curl …)"`, `eval "$X"`). */
export function judgeDynamicCode(c: Cmd, a: Arg, what: string): void {
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

function isProcSub(a: Arg): boolean {
  return !!a.w && a.w.procs.length > 0 && a.v === '/dev/fd/63';
}

/** A script file argument: process substitution, stdin, a file downloaded or made executable just before. */
export function scriptFile(c: Cmd, a: Arg, sink: 'shell' | 'interpreter'): void {
  if (isProcSub(a)) {
    for (const f of c.flowsOf(a)) c.runFlow(f, sink);
    return;
  }
  if (a.v === '/dev/stdin' || a.v === '-') c.runFlow(c.stdin(), sink);
  else {
    c.checkExecuted(a.v, sink);
    c.judgeFile(a.v, sink);
  }
}

