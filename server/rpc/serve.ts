// Transports: the stdio server a client spawns (one client; the host exits when it goes), and the unix socket
// server an always-on host offers (many clients at once, all seeing the same threads).
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Host } from '../host';
import { ClientConnection } from './connection';
import { createHandlers } from './handlers';
import { gatewayHandlers } from '../gateway';

export function serveStdio(host: Host, onDone: () => void): ClientConnection {
  const handlers = { ...createHandlers(host), ...gatewayHandlers(host) };
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  const client = new ClientConnection(reader, writer, handlers, host.hub, host.log.child('rpc'), () => onDone());
  // The spawning client went away: nothing is left to serve.
  process.stdin.on('end', onDone);
  client.conn.onClose(onDone);
  return client;
}

async function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function serveSocket(host: Host, path: string): Promise<Server> {
  if (existsSync(path)) {
    if (await socketInUse(path)) throw new Error(`another hermes-host is already listening on ${path}`);
    unlinkSync(path); // left behind by a host that died
  }
  const handlers = { ...createHandlers(host), ...gatewayHandlers(host) };
  const clients = new Set<ClientConnection>();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const client = new ClientConnection(
      new StreamMessageReader(socket),
      new StreamMessageWriter(socket),
      handlers,
      host.hub,
      host.log.child('rpc'),
      (c) => {
        c.close();
        socket.end();
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
  const oldUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(oldUmask);
  }
  chmodSync(path, 0o600);
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
