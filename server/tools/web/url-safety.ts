// URL safety for fetches the host makes on the model's behalf: only http(s), and never an address on this machine
// or its private networks (cloud metadata at 169.254.169.254, the LAN, loopback services), unless the user opted in
// with `web.allow_private_urls`. Names are resolved first, and the same check runs again inside the connection's
// own DNS lookup, so a name that re-resolves to a private address between check and connect is still refused.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export class UnsafeUrlError extends Error {}

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** The 16 bytes of an IPv6 address (with an optional dotted IPv4 tail), or null. */
function ipv6Bytes(ip: string): number[] | null {
  let s = ip.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const p = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [l, r] = s.split('::') as [string, string | undefined];
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const fill = r === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIPv4(ip: string): string | null {
  const b = ipv6Bytes(ip);
  if (!b) return null;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (i: number) => b.slice(i, i + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zero(0, 12) && !zero(12, 16)) return v4(12); // ::a.b.c.d (deprecated compatible form)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002::/16
  return null;
}

export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    if (blocked.check(ip, 'ipv6')) return true;
    const v4 = embeddedIPv4(ip);
    return v4 !== null && blocked.check(v4, 'ipv4');
  }
  return true; // not an address at all: refuse rather than guess
}

const stripBrackets = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/** A `lookup` for http(s).request that refuses private answers (used on every connection, redirects included). */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: any, callback: any) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const bad = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new UnsafeUrlError(`${hostname} resolves to a private address (${bad.address})`));
      if (options?.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`));
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/**
 * Parses and checks a URL; resolves the host and refuses private targets unless allowed. With `resolve: false`
 * (a remote extractor will fetch it, so local DNS says nothing) only literal addresses and localhost names are
 * checked.
 */
export async function checkUrl(
  raw: string,
  allowPrivate: boolean,
  opts: { resolve?: boolean; lookup?: typeof dnsLookup } = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UnsafeUrlError(`only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new UnsafeUrlError('URLs with credentials are not fetched');
  if (allowPrivate) return url;
  const host = stripBrackets(url.hostname);
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new UnsafeUrlError(`${host} is a private or loopback address`);
    return url;
  }
  if (/^localhost\.?$|\.localhost\.?$/i.test(host)) throw new UnsafeUrlError(`${host} is a loopback name`);
  if (opts.resolve === false) return url;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    (opts.lookup ?? dnsLookup)(host, { all: true }, (err, a) => (err ? reject(new UnsafeUrlError(`cannot resolve ${host}: ${err.code ?? err.message}`)) : resolve(a))),
  );
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new UnsafeUrlError(`${host} resolves to a private address (${bad.address})`);
  return url;
}
