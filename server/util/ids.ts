import { randomBytes } from 'node:crypto';

// Random bytes drawn in blocks: one randomBytes call per id cost more than the rest of making the id.
const POOL_SIZE = 5 * 256;
let pool = Buffer.alloc(0);
let poolAt = POOL_SIZE;

/** Sortable ids: a time prefix keeps lists in creation order without an extra index. */
export function newId(prefix: string): string {
  const t = Date.now().toString(36).padStart(9, '0');
  if (poolAt + 5 > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolAt = 0;
  }
  const r = pool.toString('hex', poolAt, poolAt + 5);
  poolAt += 5;
  return `${prefix}_${t}${r}`;
}
