// What the model is told about the local OS sandbox (system prompt): where it can write, what is protected, and how
// to ask to go beyond it — or, loudly, that the sandbox was wanted and does not work here.
import { homedir } from 'node:os';
import type { HermesConfig } from '../config/schema';
import { resolveConfinement } from './local';

export function localSandboxNote(terminal: HermesConfig['terminal'], cwd: string, hermesHome: string): string | undefined {
  if (terminal.backend !== 'local' || terminal.sandbox === 'off') return undefined;
  const c = resolveConfinement({ terminal, cwd, hermesHome });
  if (!c.policy && c.notice) return `Working directory: ${cwd}\nCommands run directly in this container: it is the isolation boundary, with no OS sandbox inside it.`;
  if (!c.policy) return `Working directory: ${cwd}\nWARNING: ${c.error ?? c.warning}`;
  const home = homedir();
  const writable = [cwd, '/tmp (private to this conversation)', ...c.policy.writable].join(', ');
  return [
    `Working directory: ${cwd}`,
    `Commands run in an OS sandbox (bubblewrap): they can write only ${writable}. Everything else is read-only; ` +
      `${home}/.ssh, ~/.aws, ~/.config/gcloud, ~/.kube, ~/.gnupg and similar credential stores are hidden; shell ` +
      `rc/profile files, git config and ${hermesHome} are read-only; the network is ${c.policy.network ? 'on' : 'OFF'}; ` +
      'background processes each have their own PID namespace. A command the sandbox blocks is offered to the user to ' +
      'run once outside it; pass outside_sandbox: true only when a command must work beyond these limits. Do not try ' +
      'to get around the sandbox.',
  ].join('\n');
}
