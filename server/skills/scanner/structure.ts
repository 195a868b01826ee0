// Checks on the shape of a skill folder rather than its words: size, file count, binaries, escaping symlinks.
import { readlinkSync, realpathSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { isInside } from '../paths';
import type { TreeEntry } from '../tree';
import type { ScanFinding, Severity } from './types';

export const STRUCTURE_LIMITS = {
  maxFiles: 50,
  maxTotalBytes: 1_000_000,
  maxFileBytes: 256 * 1024,
};

const EXECUTABLE_EXT = new Set(['.exe', '.dll', '.so', '.dylib', '.bin', '.dat', '.com', '.msi', '.dmg', '.app', '.deb', '.rpm', '.scr', '.sys']);
const COMPILED_EXT = new Set(['.pyc', '.pyo', '.class', '.jar', '.wasm', '.o', '.a']);
const MEDIA_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.ico', '.bmp', '.tiff', '.pdf', '.woff', '.woff2', '.ttf', '.otf', '.mp3', '.wav', '.ogg', '.mp4', '.webm', '.mov']);
const ARCHIVE_EXT = new Set(['.zip', '.tar', '.gz', '.tgz', '.bz2', '.xz', '.7z', '.rar']);

const finding = (id: string, severity: Severity, description: string, file: string, excerpt = ''): ScanFinding => ({
  id,
  category: 'structural',
  severity,
  description,
  file,
  line: 0,
  excerpt,
});

/** ELF, PE and Mach-O headers. */
export function isExecutableImage(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const u32 = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return true;
  if (head[0] === 0x4d && head[1] === 0x5a) return true;
  return [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(u32);
}

export function checkTreeShape(dir: string, entries: TreeEntry[]): ScanFinding[] {
  const out: ScanFinding[] = [];
  const files = entries.filter((e) => e.kind !== 'other');
  if (files.length > STRUCTURE_LIMITS.maxFiles) {
    out.push(finding('too_many_files', 'medium', `more than ${STRUCTURE_LIMITS.maxFiles} files`, '.', `${files.length} files`));
  }
  const total = files.reduce((s, e) => s + (e.kind === 'file' ? e.size : 0), 0);
  if (total > STRUCTURE_LIMITS.maxTotalBytes) {
    out.push(finding('skill_too_large', 'high', `more than ${STRUCTURE_LIMITS.maxTotalBytes} bytes in total`, '.', `${total} bytes`));
  }
  let base = dir;
  try {
    base = realpathSync(dir);
  } catch {}
  for (const e of entries) {
    if (e.kind === 'other') {
      out.push(finding('special_file', 'high', 'device, socket or FIFO inside a skill', e.rel));
      continue;
    }
    if (e.kind === 'symlink') {
      let target = '';
      try {
        target = readlinkSync(e.abs);
      } catch {}
      const literal = resolve(dirname(e.abs), target);
      let real: string | undefined;
      try {
        real = realpathSync(e.abs);
      } catch {}
      const escapes = (!isInside(dir, literal) && !isInside(base, literal)) || (real !== undefined && !isInside(base, real));
      out.push(
        escapes
          ? finding('symlink_escape', 'critical', 'symlink pointing outside the skill folder', e.rel, `-> ${target}`)
          : finding('symlink', 'low', 'symlink inside the skill folder', e.rel, `-> ${target}`),
      );
      continue;
    }
    if (e.kind === 'file' && e.nlink > 1) {
      out.push(finding('hard_link', 'critical', 'hard link: the same file also lives elsewhere (possibly outside the skill folder)', e.rel, `${e.nlink} links`));
    }
    if (e.size > STRUCTURE_LIMITS.maxFileBytes) {
      out.push(finding('file_too_large', 'medium', `file larger than ${STRUCTURE_LIMITS.maxFileBytes} bytes`, e.rel, `${e.size} bytes`));
    }
  }
  return out;
}

/** Classifies a binary (non-text) file; returns a finding unless it is ordinary media. */
export function binaryFinding(rel: string, head: Uint8Array): ScanFinding | undefined {
  const ext = extname(rel).toLowerCase();
  if (isExecutableImage(head)) return finding('executable_binary', 'critical', 'compiled executable or library', rel);
  if (EXECUTABLE_EXT.has(ext)) return finding('binary_file_type', 'high', `binary file type ${ext}`, rel);
  if (COMPILED_EXT.has(ext)) return finding('compiled_code', 'high', 'compiled code that cannot be reviewed', rel);
  if (MEDIA_EXT.has(ext)) return undefined;
  if (ARCHIVE_EXT.has(ext)) return finding('archive_file', 'medium', 'archive whose contents are not scanned', rel);
  return finding('binary_file', 'medium', 'binary file that cannot be scanned', rel);
}

/** Text-looking files with an executable extension are still suspicious (a renamed payload). */
export function extensionFinding(rel: string): ScanFinding | undefined {
  const ext = extname(rel).toLowerCase();
  if (EXECUTABLE_EXT.has(ext)) return finding('binary_file_type', 'high', `binary file type ${ext}`, rel);
  return undefined;
}
