// Builds the bundles once before any test runs: integration tests drive the built host, as users do.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../..'), stdio: 'inherit' });
  if (process.env.HERMES_PREBUILD_IMAGE === '1') {
    const started = Date.now();
    const { prebuildE2EImage } = await import('./image-engine');
    // A failure here is left to the image test, which builds again and reports the error in its own result.
    await prebuildE2EImage().catch((e: Error) => process.stderr.write(`prebuilding the Docker image failed: ${e.message}\n`));
    process.stderr.write(`Docker image for the e2e test ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
}
