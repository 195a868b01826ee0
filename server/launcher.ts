// Starts the bundled host with a V8 code cache. Node 20 has no compile cache of its own, and compiling the ~1 MB
// bundle is a third of a cold start; with the cache an editor gets its `initialize` reply sooner. The cache lives
// next to the bundle (or in the temp dir when that is read-only) and is rebuilt whenever V8 rejects it.
import Module from 'node:module';
import { readFileSync, writeFileSync, renameSync, mkdirSync, statSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Script } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

// After each full GC V8 lets the old generation grow to a multiple of what survived (up to ~4x for a heap that
// collects quickly) before the next one. A gateway with 200 busy chats allocates fast, so its RSS climbed past
// 400 MiB holding ~60 MiB of live objects. Growing by 1.3x keeps it under 200 MiB at the same throughput
// (bench/gateway.bench.ts). Read by V8 at every GC, so setting it here, before the host runs, is enough.
setFlagsFromString('--heap-growing-percent=30');

const file = join(__dirname, 'hermes.js');
const source = readFileSync(file, 'utf8');
// Keyed by Node version and the bundle's size and mtime: hashing 2 MB of source would cost more than it saves.
const st = statSync(file);
const key = `${process.version}-${st.size}-${Math.floor(st.mtimeMs)}`.replace(/[^\w.-]/g, '_');
const candidates = [join(__dirname, '.v8cache', `${key}.bin`), join(tmpdir(), 'hermes-host-v8cache', `${key}.bin`)];

let cachedData: Buffer | undefined;
for (const c of candidates) {
  try {
    cachedData = readFileSync(c);
    break;
  } catch {}
}

// The bundle runs through vm.Script, where import() would need an experimental flag; this module is a real CommonJS
// module, so it hands the bundle its own import() for the one ESM module loaded at run time (the terminal chat).
(globalThis as any)[Symbol.for('hermes-host.import')] = (specifier: string) => import(specifier);

const script = new Script((Module as any).wrap(source), { filename: file, cachedData });
const needsCache = !cachedData || script.cachedDataRejected;
if (needsCache) {
  // Written at exit so the cache also holds the functions compiled while the process ran.
  process.once('exit', () => {
    const data = script.createCachedData();
    for (const c of candidates) {
      try {
        mkdirSync(dirname(c), { recursive: true });
        const tmp = `${c}.${process.pid}.tmp`;
        writeFileSync(tmp, data);
        renameSync(tmp, c);
        // Caches of earlier builds on this Node version are never read again. Only next to the bundle: the temp
        // dir's cache folder is shared by every install on the machine.
        if (c !== candidates[0]) return;
        for (const old of readdirSync(dirname(c))) {
          if (old.startsWith(`${process.version}-`.replace(/[^\w.-]/g, '_')) && old.endsWith('.bin') && old !== `${key}.bin`) {
            try {
              unlinkSync(join(dirname(c), old));
            } catch {}
          }
        }
        return;
      } catch {}
    }
  });
}

const mod = new (Module as any)(file, module);
mod.filename = file;
mod.paths = (Module as any)._nodeModulePaths(__dirname);
const fn = script.runInThisContext();
fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
