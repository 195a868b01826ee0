// Packages the extension as a .vsix. The host is bundled by esbuild except HOST_EXTERNALS (native modules, which
// must ship compiled, and the gateway's platform libraries). vsce's own dependency mode would copy every
// production dependency (most are already in the bundle), so instead the package is staged in a clean folder:
// the manifest, dist/, resources/, the extension README, and the native modules with their runtime dependencies
// under dist/node_modules (next to dist/server/main.js, where Node looks first). vsce then packs that folder with
// --no-dependencies. node-pty is N-API (one build for every Node); better-sqlite3 is built once per supported Node
// major (native-abis.mjs) and staged under dist/native/node-v<ABI>/, where the host picks the one matching the Node
// it runs on (hermes.nodePath), so the package works on Node 20, 22 and 24.
//
// Usage: node extension/build/package-vsix.mjs [--out file.vsix] [--stage dir]
import { execFileSync } from 'node:child_process';
import { buildForMajor, SUPPORTED_MAJORS } from './native-abis.mjs';
import { HOST_EXTERNALS, runtimeClosure } from './host-externals.mjs';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? resolve(process.argv[i + 1]) : dflt;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = arg('--out', join(root, `${pkg.name}-${pkg.version}.vsix`));
const stage = arg('--stage', join(root, '.cache', 'vsix-stage'));

/** The modules esbuild leaves external for the host: shipped with their runtime dependencies. */
const NATIVE_ROOTS = HOST_EXTERNALS;
/** Needed only to build or download the native binaries, never loaded at run time. */
const BUILD_ONLY = new Set(['prebuild-install', 'nan', 'node-addon-api', 'buildcheck', 'node-gyp']);
/** Inside a native module: sources, build intermediates and other platforms' binaries. */
const NATIVE_JUNK = /(^|\/)(deps|src|third_party|obj|obj\.target|\.deps|test|tests|docs?|examples?|scripts)(\/|$)|\.(a|o|gyp|gypi|mk|cc|cpp|c|h|hpp|md|d\.ts|map)$|(^|\/)(Makefile|config\.gypi|binding\.gyp)$|(^|\/)build\/Release\/test_/;

for (const f of ['dist/server/main.js', 'dist/extension/extension.js', 'dist/webview/main.js']) {
  if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run "node esbuild.mjs" first`);
}


rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copy = (from, to = from, filter = () => true) =>
  cpSync(join(root, from), join(stage, to), { recursive: true, filter: (src) => filter(relative(join(root, from), src).split(sep).join('/')) });

const noMaps = (p) => !p.endsWith('.map');
// .v8cache holds the launcher's code cache for this machine's Node; the user's Node builds its own.
copy('dist/server', 'dist/server', (p) => noMaps(p) && !p.startsWith('.v8cache'));
copy('dist/extension', 'dist/extension', noMaps);
copy('dist/webview', 'dist/webview', noMaps);
copy('resources', 'resources', (p) => !p.endsWith('.mjs'));
copy('resources/extension-readme.md', 'README.md');
// Bundled skills, where the host looks for them relative to dist/server/main.js (../../skills).
if (existsSync(join(root, 'skills'))) copy('skills');
if (existsSync(join(root, 'LICENSE'))) copy('LICENSE');
if (existsSync(join(root, '.vscodeignore'))) copy('.vscodeignore');

let bytes = 0;
const modules = runtimeClosure(root, NATIVE_ROOTS, BUILD_ONLY);
for (const dir of modules) {
  const rel = relative(join(root, 'node_modules'), dir);
  const native = existsSync(join(dir, 'binding.gyp'));
  const platformPrebuild = `prebuilds/${process.platform}-${process.arch}`;
  cpSync(dir, join(stage, 'dist', 'node_modules', rel), {
    recursive: true,
    filter: (src) => {
      const p = relative(dir, src).split(sep).join('/');
      if (p === 'node_modules' || p.startsWith('node_modules/')) return false; // nested packages come in their own right
      if (native && p.startsWith('prebuilds/') && !p.startsWith(platformPrebuild) && p !== 'prebuilds') return false;
      if (native && p && NATIVE_JUNK.test(p)) return false;
      if (!native && p.endsWith('.map')) return false;
      if (statSync(src).isFile()) bytes += statSync(src).size;
      return true;
    },
  });
}

// better-sqlite3 for every supported Node major (built once and cached under .cache/native).
for (const major of SUPPORTED_MAJORS) {
  const { abi, file } = buildForMajor(major);
  mkdirSync(join(stage, 'dist', 'native', `node-v${abi}`), { recursive: true });
  cpSync(file, join(stage, 'dist', 'native', `node-v${abi}`, 'better_sqlite3.node'));
  bytes += statSync(file).size;
}

// The packaged manifest: no build scripts or dev dependencies (vsce would try to run or check them).
const manifest = { ...pkg, scripts: {}, devDependencies: {} };
delete manifest.bin;
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
  cwd: stage,
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.stdout.write(`packaged ${relative(process.cwd(), out)} with ${modules.length} runtime modules (${(bytes / 1e6).toFixed(1)} MB)\n`);
