/** @jsxImportSource react */
// `hermes-host chat` without -q: the interactive terminal chat. Built as its own ESM bundle (dist/server/tui.mjs:
// Ink and its layout engine use top-level await) and loaded only by this command, so `chat -q` and the host's cold
// start never pay for React and Ink.
import { render } from 'ink';
import type { BusyMode } from '../../protocol';
import type { HostConnection } from '../rpc-client';
import { modelsToOffer } from '../model-offer';
import { App } from './app';
import { PendingRequests } from './requests';
import { emptyTranscript, fromItems } from './transcript';

export interface TuiOptions {
  cwd: string;
  workspace?: string;
  model?: string;
  thread?: string;
  busy?: BusyMode;
}

export async function runTui(host: HostConnection, opts: TuiOptions): Promise<number> {
  const requests = new PendingRequests();
  await host.initialize({ name: 'cli', workspace: opts.workspace, approvals: true, clarify: true, handlers: requests.handlers });
  // Asked together: the first paint waits for the slowest of them, not their sum.
  const [offer, commandList, opened] = await Promise.all([
    opts.thread ? Promise.resolve(null) : modelsToOffer(host, opts.model).catch(() => null),
    host.request('command/list', {}).catch(() => ({ commands: [] })),
    opts.thread
      ? host.request('thread/resume', { threadId: opts.thread }).then(async ({ thread }) => ({ thread, initial: fromItems((await host.request('thread/read', { threadId: thread.id })).items) }))
      : host.request('thread/start', { cwd: opts.cwd, model: opts.model, source: 'cli' }).then(({ thread }) => ({ thread, initial: emptyTranscript() })),
  ]);
  const { thread, initial } = opened;
  const ink = render(
    <App
      host={host}
      thread={thread}
      initial={initial}
      cwd={opts.cwd}
      commands={commandList.commands}
      requests={requests}
      busy={opts.busy ?? 'interrupt'}
      model={opts.model}
      offer={offer ?? undefined}
    />,
    // 60 frames a second: a typed character is drawn within one frame (Ink's default of 30 doubles the echo delay).
    { exitOnCtrlC: false, patchConsole: true, maxFps: 60 },
  );
  const closed = host.whenClosed.then(() => {
    ink.unmount();
    return 1;
  });
  const code = await Promise.race([ink.waitUntilExit().then(() => 0), closed]);
  if (code) process.stderr.write('error: the host went away\n');
  return code;
}
