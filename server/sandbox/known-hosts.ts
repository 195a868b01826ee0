// OpenSSH known_hosts checking for the SSH backend: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port`
// for non-default ports, wildcards and negations, `@revoked` and `@cert-authority` markers. An unknown or changed
// host key is refused with a message that names the host and the key's SHA256 fingerprint.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** Comma-separated patterns, or one hashed entry. */
  patterns: string[];
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (parts[0]!.startsWith('@')) {
      const m = parts.shift()!.slice(1);
      if (m !== 'revoked' && m !== 'cert-authority') return; // unknown marker: OpenSSH ignores the line too
      marker = m;
    }
    const [hosts, keyType, b64] = parts;
    if (!hosts || !keyType || !b64) return;
    const key = Buffer.from(b64, 'base64');
    if (!key.length) return;
    out.push({ marker, patterns: hosts.split(','), keyType, key, file, line: i + 1 });
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$',
    'i',
  );
  return re.test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return mac === hash;
}

/** Does the entry's host field name `host:port`? A matching negated pattern excludes the entry. */
export function entryMatches(e: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  let matched = false;
  for (const p of e.patterns) {
    if (p.startsWith('|')) {
      if (hashedMatch(p, name)) matched = true;
    } else if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** Key type named inside an SSH public key blob (string length + name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer, file: string): HostKeyVerdict {
  const name = hostKeyName(host, port);
  const fp = fingerprint(key);
  const type = keyTypeOf(key);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, host, port));
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(key)))
    return { ok: false, reason: `the host key of ${name} (${type} ${fp}) is marked @revoked in ${file}` };
  if (mine.some((e) => !e.marker && e.key.equals(key))) return { ok: true };
  const known = mine.filter((e) => !e.marker);
  if (known.length) {
    const where = known.map((e) => `${e.file}:${e.line}`).join(', ');
    return {
      ok: false,
      reason: `the host key of ${name} has changed: it offered ${type} ${fp}, which does not match ${where}. This can be a man-in-the-middle attack; if the change is expected, update ${file}`,
    };
  }
  return {
    ok: false,
    reason: `${name} is not a known host: its ${type} key ${fp} is not in ${file}. Verify the fingerprint and add the host (e.g. ssh-keyscan -p ${port} ${host} >> ${file})`,
  };
}

/** Host key algorithms to ask the server for: the types already known for this host, so negotiation picks one we can check. */
export function knownAlgorithms(entries: KnownHostEntry[], host: string, port: number): string[] {
  const types = new Set(entries.filter((e) => !e.marker && entryMatches(e, host, port)).map((e) => e.keyType));
  const out: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(t);
  }
  return out;
}
