// Runs in the image's build stage: lays out what the runtime needs, and nothing else, under <out>:
//   dist/server/   the bundles (no source maps)          skills/   the bundled skills
//   node_modules/  only the packages the bundles load at run time (esbuild leaves them external: native modules and
//                  packages that read files beside themselves), with their dependencies; native packages keep
//                  their compiled .node files and lose sources, objects and other platforms' prebuilds.
//   package.json   name and version
// Usage: node docker/runtime-tree.mjs <out>
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { HOST_EXTERNALS, runtimeClosure } from '../extension/build/host-externals.mjs';

const src = process.cwd();
const out = resolve(process.argv[2] ?? '');
if (!process.argv[2]) throw new Error('usage: node docker/runtime-tree.mjs <out>');

/** Needed only to build or fetch native code, never loaded at run time. */
const BUILD_ONLY = new Set(['prebuild-install', 'node-addon-api', 'nan', 'node-gyp', 'cpu-features', 'node-gyp-build']);
/**
 * Required by the bundles by name: what esbuild leaves external (extension/build/host-externals.mjs), plus ajv, whose
 * schema compiler names its runtime helpers by package path in the code it generates.
 */
const ROOTS = [...HOST_EXTERNALS.filter((n) => !BUILD_ONLY.has(n)), 'ajv', 'ajv-formats'];

const pkgJson = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const keep = runtimeClosure(src, ROOTS, BUILD_ONLY);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const dir of keep) {
  const rel = relative(src, dir);
  const native = existsSync(join(dir, 'binding.gyp'));
  cpSync(dir, join(out, rel), {
    recursive: true,
    filter: (f) => {
      const r = relative(dir, f);
      // Nested node_modules are copied as packages of their own (only those that are needed).
      if (r === 'node_modules' || r.startsWith('node_modules/')) return false;
      if (!native) return true;
      const top = r.split('/')[0];
      if (['deps', 'src', 'third_party', 'prebuilds', 'scripts', 'typings', 'node-addon-api'].includes(top)) return false;
      // The compiled modules only (not test_extension.node, objects or makefiles).
      if (top === 'build') return r === 'build' || r === 'build/Release' || (/^build\/Release\/[^/]+\.node$/.test(r) && !r.endsWith('test_extension.node'));
      if (r.endsWith('.map')) return false;
      return true;
    },
  });
}
cpSync(join(src, 'dist', 'server'), join(out, 'dist', 'server'), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.includes('.v8cache') });
cpSync(join(src, 'skills'), join(out, 'skills'), { recursive: true });
const pkg = pkgJson(src);
writeFileSync(join(out, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: pkg.type, bin: pkg.bin }, null, 2) + '\n');
process.stdout.write(`runtime tree: ${keep.size} packages → ${out}\n`);
