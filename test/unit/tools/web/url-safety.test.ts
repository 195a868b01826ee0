import { describe, expect, it } from 'vitest';
import { checkUrl, guardedLookup, isPrivateAddress } from '../../../../server/tools/web/url-safety';

describe('private address detection', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.8', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::abcd', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '::127.0.0.1',
    'not-an-ip',
  ])('%s is private', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::'])(
    '%s is public',
    (ip) => expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe('checkUrl', () => {
  it('refuses schemes other than http(s) and URLs with credentials', async () => {
    await expect(checkUrl('file:///etc/passwd', false)).rejects.toThrow(/only http and https/);
    await expect(checkUrl('ftp://example.com/', true)).rejects.toThrow(/only http and https/);
    await expect(checkUrl('http://user:pw@example.com/', false)).rejects.toThrow(/credentials/);
    await expect(checkUrl('not a url', false)).rejects.toThrow(/not a valid URL/);
  });

  it('refuses loopback and private targets, by literal or by name, unless allowed', async () => {
    await expect(checkUrl('http://127.0.0.1:8080/', false)).rejects.toThrow(/private or loopback/);
    await expect(checkUrl('http://[::1]/', false)).rejects.toThrow(/private or loopback/);
    await expect(checkUrl('http://169.254.169.254/latest/meta-data/', false)).rejects.toThrow(/private/);
    await expect(checkUrl('http://localhost/', false)).rejects.toThrow(/localhost is a loopback name/);
    await expect(checkUrl('http://app.localhost./', false)).rejects.toThrow(/loopback name/);
    await expect(checkUrl('http://127.0.0.1:8080/x', true)).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://8.8.8.8/', false)).resolves.toBeInstanceOf(URL);
  });

  it('resolves names first and refuses any private answer', async () => {
    const fakeDns = ((host: string, _o: unknown, cb: (e: Error | null, a: { address: string; family: number }[]) => void) =>
      cb(null, host === 'rebind.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] : [{ address: '93.184.216.34', family: 4 }])) as never;
    await expect(checkUrl('http://rebind.example/', false, { lookup: fakeDns })).rejects.toThrow(/rebind.example resolves to a private address \(10.0.0.5\)/);
    await expect(checkUrl('http://public.example/', false, { lookup: fakeDns })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://no-such-host.invalid/', false)).rejects.toThrow(/cannot resolve no-such-host.invalid/);
    await expect(checkUrl('http://no-such-host.invalid/', false, { resolve: false })).resolves.toBeInstanceOf(URL);
  });

  it('guards the lookup used for each connection', async () => {
    const lookup = guardedLookup(false);
    const err = await new Promise<Error | null>((r) => lookup('localhost', {}, (e) => r(e)));
    expect(err?.message).toMatch(/localhost resolves to a private address/);
    const ok = await new Promise<unknown>((r) => guardedLookup(true)('localhost', { all: true }, (e, a) => r(e ?? a)));
    expect(Array.isArray(ok)).toBe(true);
  });
});
