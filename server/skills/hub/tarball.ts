// Tarball sources: downloaded (http/https, size-capped) or read locally, then unpacked with node-tar, which
// refuses absolute paths and `..` (such an archive is rejected whole). Only files, folders and symlinks are unpacked (symlinks are judged later by
// the scanner), and the unpacked size is capped.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// tar is loaded when a tarball is installed (a CLI action), not at host start.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tar = () => require('tar') as typeof import('tar');
import { SkillError } from '../errors';

export const MAX_TARBALL_BYTES = 50 * 1024 * 1024;
const MAX_ENTRIES = 5000;

export async function downloadTarball(url: string, destDir: string, timeoutMs = 120_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' }).catch((e: Error) => {
    throw new SkillError('SourceError', `download failed: ${e.message}`);
  });
  if (!res.ok || !res.body) throw new SkillError('SourceError', `download failed: HTTP ${res.status} for ${url}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_TARBALL_BYTES) throw new SkillError('SourceError', `download larger than ${MAX_TARBALL_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  const file = join(destDir, 'download.tgz');
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function extractTarball(file: string, dest: string): Promise<void> {
  let total = 0;
  let entries = 0;
  let tooBig = false;
  const unsafe: string[] = [];
  try {
    await tar().extract({
      file,
      cwd: dest,
      preserveOwner: false,
      // node-tar skips `..` entries and rewrites absolute paths with a warning; an archive that tries either is
      // refused as a whole rather than installed in an altered form.
      onwarn: (code, message) => {
        if (code === 'TAR_ENTRY_ERROR' || /\.\.|absolute|escapes/i.test(message)) unsafe.push(message);
      },
      filter: (_path, entry) => {
        const type = (entry as { type?: string }).type;
        if (type !== 'File' && type !== 'Directory' && type !== 'SymbolicLink') return false;
        total += (entry as { size?: number }).size ?? 0;
        if (++entries > MAX_ENTRIES || total > MAX_TARBALL_BYTES) tooBig = true;
        return !tooBig;
      },
    });
  } catch (e) {
    throw new SkillError('SourceError', `cannot unpack ${file}: ${(e as Error).message}`);
  }
  if (unsafe.length) throw new SkillError('SourceError', `archive refused: ${[...new Set(unsafe)].join('; ')}`);
  if (tooBig) throw new SkillError('SourceError', `archive unpacks to more than ${MAX_TARBALL_BYTES} bytes or ${MAX_ENTRIES} entries`);
}
