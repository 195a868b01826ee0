// Bundles the host (and, when present, the extension and webview) into dist/.
// Native modules and packages that load files relative to themselves stay external.
import { build } from 'esbuild';
import { existsSync, mkdirSync, chmodSync, cpSync } from 'node:fs';
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
if (existsSync('webview/index.css')) cpSync('webview/index.css', 'dist/webview/index.css');
