// Transports: the stdio server a client spawns (one client; the host exits when it goes), and the unix socket
// server an always-on host offers (many clients at once, all seeing the same threads).
import { chmodSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Host } from '../host';
import { ClientConnection } from './connection';
import { createHandlers } from './handlers';
import { HostMessageReader } from './message-reader';

export function serveStdio(host: Host, onDone: () => void): ClientConnection {
  const handlers = createHandlers(host);
  const reader = new HostMessageReader(process.stdin, host.config.rpc.max_message_bytes);
  const writer = new StreamMessageWriter(process.stdout);
  // The spawning client went away (or sent what cannot be read): it stops counting as attached, and the owner
  // decides (onDone) whether anyone else still needs it.
  const gone = () => {
    client.close();
    onDone();
  };
  const client = new ClientConnection(reader, writer, handlers, host.hub, host.log.child('rpc'), gone);
  process.stdin.on('end', gone);
  client.conn.onClose(gone);
  return client;
}

/** What connecting to `path` says: a live server, a dead socket file (ECONNREFUSED), or something else. */
async function probeSocket(path: string): Promise<'live' | 'stale' | string> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve('live');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'stale' : (e.code ?? e.message)));
  });
}

/** Clears the way for listening on `path`: only a socket nobody listens on any more is removed. */
export async function claimSocketPath(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isSocket()) {
    const what = st.isDirectory() ? 'a directory' : st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? 'a regular file' : 'not a socket';
    throw new Error(`--listen ${path}: refusing to replace it: it is ${what}, not a socket. Remove it yourself or choose another path.`);
  }
  const probe = await probeSocket(path);
  if (probe === 'live') throw new Error(`another hermes-host is already listening on ${path}`);
  if (probe !== 'stale') throw new Error(`--listen ${path}: cannot tell whether the socket there is in use (${probe}); not removing it`);
  unlinkSync(path); // left behind by a host that died
}

export async function serveSocket(host: Host, path: string): Promise<Server> {
  await claimSocketPath(path);
  const handlers = createHandlers(host);
  const clients = new Set<ClientConnection>();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const client = new ClientConnection(
      new HostMessageReader(socket, host.config.rpc.max_message_bytes),
      new StreamMessageWriter(socket),
      handlers,
      host.hub,
      host.log.child('rpc'),
      (c) => {
        c.close();
        // Flush what was written (the answer to a fatal frame, say), then let the socket go.
        socket.end(() => socket.destroy());
      },
    );
    clients.add(client);
    socket.on('close', () => {
      client.close();
      clients.delete(client);
      sockets.delete(socket);
    });
    socket.on('error', () => socket.destroy());
  });
  // Bound under a name of its own and renamed into place once it listens: a client that sees `path` can connect.
  // (Between bind(), which creates the file, and listen() a connect is refused — a client polling for the file on a
  // loaded machine would read that as a dead host.) The short name keeps within the 107-byte limit of a socket path.
  const staging = join(dirname(path), `.hermes-sock-${process.pid.toString(36)}`);
  try {
    if (lstatSync(staging).isSocket()) unlinkSync(staging); // left by a host that died with this pid
  } catch {}
  const oldUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(staging, () => resolve());
    });
  } finally {
    process.umask(oldUmask);
  }
  chmodSync(staging, 0o600);
  renameSync(staging, path);
  host.onClose(
    () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.close();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        try {
          unlinkSync(path);
        } catch {}
      }),
  );
  return server;
}
