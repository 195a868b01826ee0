// What discord.js's gateway connection is doing, for the supervisor's status. discord.js (through @discordjs/ws)
// resumes a dropped socket by itself — a new connection half a second later, RESUME, the missed events replayed —
// so without this the platform would read `ready` through the whole gap. Here:
//  - a close (shardReconnecting) reports the connection lost, with the close code or error seen last;
//  - shardResume / shardReady report it back;
//  - after MAX_QUIET_RETRIES reconnects in a row that never got back, the run ends (transient) and the supervisor
//    takes over with its exponential backoff: discord.js alone retries every 500 ms for ever;
//  - a close discord.js will not recover from (shardDisconnect: bad token, intents not allowed, …) ends the run for
//    good (permanent), with what the user has to change.
import type { Client } from 'discord.js';
import { PlatformError } from '../adapter';

/** Reconnects in a row discord.js may try before the supervisor's backoff takes over. */
export const MAX_QUIET_RETRIES = 5;

/** Close codes discord.js does not reconnect after, and what they mean for the user. */
const FATAL_CLOSE: Record<number, string> = {
  4004: 'Discord refused the bot token (close code 4004): check DISCORD_BOT_TOKEN',
  4010: 'Discord: invalid shard (close code 4010)',
  4011: 'Discord requires sharding for this bot (close code 4011): it is in too many guilds for one connection',
  4012: 'Discord: invalid gateway API version (close code 4012)',
  4013: 'Discord: invalid intents (close code 4013)',
  4014: 'Discord refused the privileged intents (close code 4014): enable "Message Content Intent" for the bot in the Discord Developer Portal (Bot → Privileged Gateway Intents)',
};

const CLOSE_NAMES: Record<number, string> = {
  1000: 'closed by Discord',
  1001: 'going away',
  1006: 'connection lost',
  4000: 'unknown error',
  4007: 'invalid sequence',
  4008: 'rate limited',
  4009: 'session timed out',
  4200: 'resuming',
};

export interface ConnectionEvents {
  onReady(): void;
  onLost(why: string): void;
  /** Ends the run: the supervisor backs off (transient) or gives up (permanent). */
  fail(e: Error): void;
}

export function describeClose(code: number): string {
  return FATAL_CLOSE[code] ?? `Discord gateway ${CLOSE_NAMES[code] ?? 'closed'} (close code ${code})`;
}

/** Wires the client's shard events to the status callbacks; call before login. */
export function watchConnection(client: Client, ev: ConnectionEvents): void {
  let retries = 0;
  let lastWhy: string | undefined;
  const watched = new WeakSet<object>();
  // The close code arrives on discord.js's shard object, which exists once the first connection started.
  const watchShard = (id: number) => {
    const shard = client.ws.shards.get(id);
    if (!shard || watched.has(shard)) return;
    watched.add(shard);
    shard.on('close', (e: { code: number }) => {
      // 4200 and 1000 are discord.js closing the socket itself; why it did is in its debug line.
      lastWhy = (e.code === 4200 || e.code === 1000) && ownReason ? `Discord gateway: ${ownReason}` : describeClose(e.code);
      ownReason = undefined;
    });
  };
  let ownReason: string | undefined;
  client.on('debug', (m) => {
    const r = /Destroying shard[\s\S]*?Reason: ([^\n]+)/.exec(m);
    if (r && r[1].trim() !== 'none') ownReason = r[1].trim() === 'Zombie connection' ? 'heartbeats were not acknowledged (zombie connection)' : r[1].trim();
  });
  const back = (id: number) => {
    watchShard(id);
    retries = 0;
    lastWhy = undefined;
    ev.onReady();
  };
  client.on('shardReady', (id) => back(id));
  client.on('shardResume', (id) => back(id));
  client.on('shardError', (e) => {
    lastWhy = `Discord gateway error: ${e.message}`;
  });
  client.on('shardReconnecting', (id) => {
    watchShard(id);
    const why = lastWhy ?? 'Discord gateway connection lost';
    lastWhy = undefined;
    if (++retries > MAX_QUIET_RETRIES) return ev.fail(new PlatformError(`${why}; ${MAX_QUIET_RETRIES} reconnects in a row failed`, 'transient'));
    ev.onLost(why);
  });
  client.on('shardDisconnect', (e) => ev.fail(new PlatformError(describeClose(e.code), FATAL_CLOSE[e.code] ? 'permanent' : 'transient')));
}
