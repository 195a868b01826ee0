// Bundles the host (and, when present, the extension and webview) into dist/.
// Native modules and packages that load files relative to themselves stay external.
import { build } from 'esbuild';
import { existsSync, mkdirSync, chmodSync, cpSync, readFileSync } from 'node:fs';
import { HOST_EXTERNALS } from './extension/build/host-externals.mjs';

const watch = process.argv.includes('--watch');
const external = [...HOST_EXTERNALS, 'vscode'];

const targets = [
  {
    // The host itself; started through server/main.js, which adds a V8 code cache.
    entryPoints: { 'server/hermes': 'server/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external,
  },
  {
    // Token-counting tables for context compression, loaded by the host only when a thread gets long.
    entryPoints: { 'server/tokenizer': 'node_modules/gpt-tokenizer/esm/encoding/cl100k_base.js' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The interactive terminal chat (`chat` without -q), loaded with import() only by that command. ESM because
    // Ink's layout engine (yoga) uses top-level await; the banner gives bundled CommonJS packages their require.
    entryPoints: { 'server/tui': 'server/cli/tui/index.tsx' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    jsx: 'automatic',
    jsxImportSource: 'react',
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
    banner: { js: "import { createRequire as __tuiRequire } from 'node:module'; const require = __tuiRequire(import.meta.url);" },
    // Ink reaches for React DevTools only when DEV=true; the shipped chat never does, so it is not bundled.
    alias: { 'react-devtools-core': './server/cli/tui/no-devtools.ts' },
    external,
  },
  {
    // The container HEALTHCHECK's probe: `hermes-host health` without loading the host bundle.
    entryPoints: { 'server/health': 'server/cli/health-main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    entryPoints: { 'server/main': 'server/launcher.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
];
if (existsSync('extension/extension.ts')) {
  targets.push({
    entryPoints: { 'extension/extension': 'extension/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external,
  });
}
if (existsSync('webview/main.tsx')) {
  targets.push({
    entryPoints: { 'webview/main': 'webview/main.tsx' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css' },
  });
}

mkdirSync('dist', { recursive: true });
await Promise.all(
  targets.map((t) =>
    build({ bundle: true, outdir: 'dist', sourcemap: 'linked', minify: !watch, logLevel: 'warning', legalComments: 'none', ...t }),
  ),
);
if (existsSync('dist/server/main.js')) chmodSync('dist/server/main.js', 0o755);
// V8 keeps a script's source for lazy compilation, as one-byte Latin-1 when every character fits, else as UTF-16: a
// single "—" would double the host's ~3 MB source in every host's memory. esbuild escapes non-ASCII in strings and
// identifiers but not in regular expression literals, so those must be written with \u escapes.
const hostSource = readFileSync('dist/server/hermes.js', 'utf8');
const wide = /[^\u0000-\u00ff]/g;
const found = [...hostSource.matchAll(wide)].slice(0, 5);
if (found.length) {
  const where = found.map((m) => `  ${JSON.stringify(m[0])} in …${hostSource.slice(Math.max(0, m.index - 60), m.index + 20)}…`).join('\n');
  const msg = `dist/server/hermes.js holds characters beyond Latin-1 (write them as \\uXXXX in the source's regex literals):\n${where}`;
  if (watch) console.warn(msg);
  else {
    console.error(msg);
    process.exit(1);
  }
}
if (existsSync('webview/index.css')) cpSync('webview/index.css', 'dist/webview/index.css');
