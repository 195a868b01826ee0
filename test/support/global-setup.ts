// Builds the bundles once before any test runs: integration tests drive the built host, as users do.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../..'), stdio: 'inherit' });
}
