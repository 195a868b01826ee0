// `hermes-host --stdio` when another process already owns HERMES_HOME: instead of a second host on the same
// database, the spawned process becomes a byte relay between its stdio (the editor that spawned it) and the owner's
// socket. The editor cannot tell the difference; the owner sees one more client.
import { connect, type Socket } from 'node:net';

export async function relayStdio(socketPath: string, opts: { retryMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + (opts.retryMs ?? 5000);
  let socket: Socket | undefined;
  let lastError = '';
  // The owner may still be starting (it takes the lock before it listens): retry briefly.
  while (!socket && Date.now() < deadline) {
    socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(socketPath);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => {
        lastError = e.message;
        resolve(undefined);
      });
    });
    if (!socket) await new Promise((r) => setTimeout(r, 100));
  }
  if (!socket) {
    process.stderr.write(`hermes-host: HERMES_HOME is owned by another host, but its socket ${socketPath} does not answer (${lastError})\n`);
    return 1;
  }
  const s = socket;
  return new Promise<number>((resolve) => {
    process.stdin.pipe(s);
    s.pipe(process.stdout);
    process.stdin.once('end', () => s.end());
    s.once('close', () => resolve(0));
    s.once('error', () => resolve(1));
  });
}
