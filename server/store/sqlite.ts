// Every SQLite connection opens here, so the packaged host loads the better-sqlite3 build that matches the Node it
// runs on: the .vsix carries one per supported Node major under dist/native/node-v<ABI>/ (built by
// extension/build/native-abis.mjs), beside dist/server/main.js. From a checkout there is no dist/native and the
// module's own build (compiled by `npm ci` for this Node) is used.
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type { Database } from 'better-sqlite3';

let binding: string | null | undefined;

/** The packaged build for this Node's ABI, or null when there is none (then better-sqlite3 finds its own). */
export function packagedBinding(): string | null {
  if (binding === undefined) {
    const file = join(__dirname, '..', 'native', `node-v${process.versions.modules}`, 'better_sqlite3.node');
    binding = existsSync(file) ? file : null;
  }
  return binding;
}

export function openDatabase(path: string, opts: BetterSqlite3.Options = {}): BetterSqlite3.Database {
  const nativeBinding = packagedBinding();
  return new BetterSqlite3(path, nativeBinding ? { nativeBinding, ...opts } : opts);
}
