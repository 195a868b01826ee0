// Packs the command-line host as an npm tarball for `npm install -g`:
//   node scripts/pack-cli.mjs [--out dir]   →   <dir>/hermes-host-<version>.tgz
//   npm install -g --allow-scripts=node-pty ./hermes-host-<version>.tgz
// The tarball holds the bundles (dist/server), the bundled skills and better-sqlite3 prebuilt for Node 20, 22 and 24
// (dist/native/node-v<ABI>, from extension/build/native-abis.mjs), so the user's npm only has to build node-pty
// (its one N-API module; npm 11 runs a dependency's install script only when --allow-scripts names it). Staged in a
// clean folder so the checkout's dist/ is never touched while tests run from it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildForMajor, SUPPORTED_MAJORS } from '../extension/build/native-abis.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? resolve(process.argv[outIdx + 1]) : root;
const stage = join(root, '.cache', 'cli-stage');

if (!existsSync(join(root, 'dist', 'server', 'main.js'))) throw new Error('dist/server/main.js is missing: run "node esbuild.mjs" first');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
// The bundles only: no source maps, no code cache built for this machine's Node.
cpSync(join(root, 'dist', 'server'), join(stage, 'dist', 'server'), {
  recursive: true,
  filter: (src) => !src.endsWith('.map') && !src.includes('.v8cache'),
});
cpSync(join(root, 'skills'), join(stage, 'skills'), { recursive: true });
for (const f of ['README.md', 'LICENSE']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
for (const major of SUPPORTED_MAJORS) {
  const { abi, file } = buildForMajor(major);
  mkdirSync(join(stage, 'dist', 'native', `node-v${abi}`), { recursive: true });
  cpSync(file, join(stage, 'dist', 'native', `node-v${abi}`, 'better_sqlite3.node'));
}

// The CLI's manifest: the host's runtime dependencies, none of the extension's contributions or dev tooling.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifest = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  type: pkg.type,
  engines: { node: pkg.engines.node },
  bin: pkg.bin,
  files: ['dist', 'skills', 'README.md', 'LICENSE'],
  dependencies: pkg.dependencies,
};
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

mkdirSync(out, { recursive: true });
const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
process.stdout.write(`${join(out, name)}\n`);
