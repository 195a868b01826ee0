// Starting the gateway inside a host, and the protocol methods about it (gateway/status, pairing/*). Pairing
// lives in the database, so its methods work on any host over the same HERMES_HOME, gateway or not.
import type { Host } from '../host';
import type { Handlers } from '../rpc/connection';
import { HostError } from '../util/errors';
import type { Gateway } from './gateway';
import { HermesApprovals } from './hermes-pairing';
import { Pairing, PairingError } from './pairing';
import type { PlatformAdapter } from './adapter';

const running = new WeakMap<Host, Gateway>();

export async function startGateway(host: Host, adapters?: PlatformAdapter[]): Promise<Gateway> {
  // Loaded on first use: grammy and the gateway stay out of hosts that never run it.
  const { Gateway } = await import('./gateway');
  const { hostPort } = await import('./host-port');
  const gateway = new Gateway(hostPort(host), adapters);
  running.set(host, gateway);
  gateway.onStatus((s) => host.events.emit('gateway/statusChanged', s));
  gateway.onPairingRequest((r) => host.events.emit('pairing/requested', r));
  await gateway.start();
  return gateway;
}

export function gatewayOf(host: Host): Gateway | undefined {
  return running.get(host);
}

export function gatewayHandlers(host: Host): Pick<Handlers, 'gateway/status' | 'pairing/list' | 'pairing/approve' | 'pairing/revoke' | 'pairing/deny'> {
  const pairing = () => gatewayOf(host)?.pairing ?? new Pairing(host.store.db, undefined, new HermesApprovals(host.hermesHome, host.log));
  return {
    'gateway/status': () => gatewayOf(host)?.status() ?? { running: false, platforms: [], outbox: {} },
    'pairing/list': () => pairing().list(),
    'pairing/approve': (p: { platform: string; code: string }) => {
      try {
        const r = pairing().approve(p.platform, p.code);
        return { userId: r.userId, userName: r.userName };
      } catch (e) {
        if (e instanceof PairingError) throw new HostError('InvalidParams', e.message);
        throw e;
      }
    },
    'pairing/revoke': (p: { platform: string; userId: string }) => ({ revoked: pairing().revoke(p.platform, p.userId) }),
    'pairing/deny': (p: { platform: string; userId: string }) => ({ denied: pairing().deny(p.platform, p.userId) }),
  };
}
