import { randomBytes } from 'node:crypto';

/** Sortable ids: a time prefix keeps lists in creation order without an extra index. */
export function newId(prefix: string): string {
  const t = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${t}${randomBytes(5).toString('hex')}`;
}
