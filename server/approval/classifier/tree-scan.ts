// Whole-tree checks that look at a function or script as a unit rather than command by command.
import type { Command, Script } from './ast';
import { cmdName } from './argv';
import { isRemoteCommand } from './producers';

/** A function whose body calls itself twice, or in a pipe or in the background: `:(){ :|:& };:`. */
export function isForkBomb(name: string, body: Command): boolean {
  let calls = 0;
  let spawning = false;
  const visitScript = (sc: Script): void => {
    for (const p of sc.pipelines) {
      let here = 0;
      for (const c of p.commands) {
        if (c.kind === 'simple' && c.words[0]?.text === name) here++;
        else visit(c);
      }
      if (here && (p.commands.length > 1 || p.background)) spawning = true;
      calls += here;
    }
  };
  const visit = (c: Command): void => {
    if (c.kind === 'group') visitScript(c.body);
    else if (c.kind === 'simple' && c.words[0]?.text === name) calls++;
  };
  if (body.kind === 'group') visitScript(body.body);
  else visit(body);
  return calls >= 2 || (calls >= 1 && spawning);
}

export function containsRemote(sc: Script): boolean {
  for (const p of sc.pipelines) {
    for (const c of p.commands) {
      if (c.kind === 'simple' && c.words[0] && isRemoteCommand(cmdName(c.words[0].text))) return true;
      if (c.kind === 'group' && containsRemote(c.body)) return true;
    }
  }
  return false;
}

