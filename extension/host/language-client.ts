// Builds the vscode-languageclient client for the host: spawn the bundled host with the user's Node over stdio,
// or attach to a running host's unix socket. The host is not a language server (no documents, no features); the
// LSP handshake is reused so the client's process handling, tracing and output channel come for free.
import { connect } from 'node:net';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type InitializeParams,
  type ServerOptions,
  type StaticFeature,
  type StreamInfo,
} from 'vscode-languageclient/node';
import { HostConfigError, type HostClient, type HostClientFactory } from './supervisor';
import { checkNode } from './node-check';
import { parseHostLogLine } from './host-log';
import { preferRunningHost, type Launch } from './launch';
import { ProfileError } from '../../server/protocol/profile';

function serverOptions(launch: Launch): ServerOptions {
  if (launch.kind === 'attach') {
    return () =>
      new Promise<StreamInfo>((resolve, reject) => {
        const socket = connect(launch.socketPath);
        socket.once('connect', () => resolve({ reader: socket, writer: socket }));
        socket.once('error', (e) => reject(new Error(`cannot attach to ${launch.socketPath}: ${e.message}`)));
      });
  }
  // TransportKind.stdio appends --stdio to the arguments.
  return { command: launch.command, args: launch.args, transport: TransportKind.stdio, options: { env: launch.env, cwd: launch.cwd } };
}

/** Names the client `vscode` in the handshake (the LSP default would be the editor's app name). */
function clientInfoFeature(): StaticFeature {
  return {
    fillClientCapabilities: () => {},
    fillInitializeParams: (params: InitializeParams) => {
      params.clientInfo = { name: 'vscode', version: vscode.version };
    },
    initialize: () => {},
    getState: () => ({ kind: 'static' }),
    clear: () => {},
  };
}

export interface ClientDeps {
  channel: vscode.LogOutputChannel;
  launch: () => Launch;
  initializationOptions: () => Promise<Record<string, unknown>>;
}

export function languageClientFactory(deps: ClientDeps): HostClientFactory {
  return async ({ onClosed }) => {
    let planned: Launch;
    try {
      planned = deps.launch();
    } catch (e) {
      if (e instanceof ProfileError) throw new HostConfigError(`${e.message}. Fix the "hermes.profile" setting (or HERMES_PROFILE).`, 'hermes.profile');
      throw e;
    }
    const launch = await preferRunningHost(planned);
    if (launch.kind === 'spawn') {
      const problem = await checkNode(launch.command, launch.args[0] ?? '', launch.env);
      if (problem) throw new HostConfigError(`${problem}. Set "hermes.nodePath" to a Node.js 20, 22 or 24.`, 'hermes.nodePath');
    }
    const initializationOptions = await deps.initializationOptions();
    deps.channel.info(launch.kind === 'attach' ? `attaching to ${launch.socketPath}` : `starting ${launch.command} ${launch.args.join(' ')} --stdio`);
    const client = new LanguageClient('hermes', 'Hermes', serverOptions(launch), {
      documentSelector: [],
      outputChannel: deps.channel,
      traceOutputChannel: deps.channel,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions,
      // Restarts are the supervisor's job (backoff, one notification per burst), not the client's.
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          onClosed();
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      initializationFailedHandler: () => false,
      stdioOptions: {
        stdout: () => {},
        stderr: (input, channel) => {
          let buf = '';
          input.on('data', (d: Buffer | string) => {
            buf += d.toString();
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = parseHostLogLine(buf.slice(0, i));
              buf = buf.slice(i + 1);
              if (line) channel[line.level](line.text);
            }
          });
        },
      },
    });
    client.registerFeature(clientInfoFeature());
    return client as unknown as HostClient;
  };
}
