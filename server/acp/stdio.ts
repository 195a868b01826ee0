// `hermes-host acp` on stdin/stdout: newline-delimited JSON-RPC, as ACP clients spawn agents. stdout carries only
// the protocol; diagnostics go to stderr, which clients show in their logs.
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk';
import type { HostConnection } from '../cli/rpc-client';
import { findWorkspaceRoot } from '../config/workspace-root';
import { runAcpAgent } from './agent';

/** Serves ACP until the client closes stdin (exit code 0) or the host goes away (1). */
export async function runAcpStdio(host: HostConnection): Promise<number> {
  const stream = acp.ndJsonStream(Writable.toWeb(process.stdout) as WritableStream<Uint8Array>, Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>);
  const { reason } = await runAcpAgent({
    host,
    stream,
    log: (line) => process.stderr.write(`hermes-host acp: ${line}\n`),
    workspaceOf: (cwd) => findWorkspaceRoot(cwd),
  });
  if (reason === 'host-closed') process.stderr.write('hermes-host acp: the agent host went away\n');
  return reason === 'host-closed' ? 1 : 0;
}
