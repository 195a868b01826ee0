// The packages the host bundle leaves to Node's require: native modules (compiled per platform) and the big
// platform libraries that only the gateway loads (discord.js 1.7 MB, @slack/bolt with express 2.6 MB), so that
// every other host start does not parse them. esbuild.mjs, the .vsix packager, the Docker image's runtime tree and
// the packaging test read this list, so a package made external is always shipped with its runtime dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const HOST_EXTERNALS = ['better-sqlite3', 'node-pty', 'ssh2', 'cpu-features', 'dockerode', 'discord.js', '@slack/bolt'];

/** Node's lookup from a package folder: its own node_modules, then each parent's, up to `root`. */
function resolveDep(root, fromDir, name) {
  for (let dir = fromDir; ; ) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir || !parent.startsWith(root)) return null;
    dir = parent;
  }
}

/**
 * Every package folder under `root`/node_modules that `roots` need at run time: dependencies, optional ones when
 * installed (another platform's are simply absent), and peer dependencies, which npm installs too (Slack's socket
 * mode requires its peer undici) unless marked optional. `buildOnly` names packages never loaded at run time.
 */
export function runtimeClosure(root, roots, buildOnly = new Set()) {
  const seen = new Set();
  const queue = roots.map((n) => {
    const d = resolveDep(root, root, n);
    if (!d) throw new Error(`node_modules/${n} is missing: run "npm install"`);
    return d;
  });
  while (queue.length) {
    const dir = queue.shift();
    if (seen.has(dir)) continue;
    seen.add(dir);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const optionalPeers = Object.keys(p.peerDependencies ?? {}).filter((n) => p.peerDependenciesMeta?.[n]?.optional);
    const optional = new Set([...Object.keys(p.optionalDependencies ?? {}), ...optionalPeers]);
    for (const name of [...Object.keys(p.dependencies ?? {}), ...Object.keys(p.optionalDependencies ?? {}), ...Object.keys(p.peerDependencies ?? {})]) {
      if (buildOnly.has(name)) continue;
      const d = resolveDep(root, dir, name);
      if (d) queue.push(d);
      else if (!optional.has(name)) throw new Error(`${relative(root, dir)} needs ${name}, which is not installed`);
    }
  }
  return [...seen].sort();
}
