// Builds the bundles once before any test runs: integration tests drive the built host, as users do.
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Names the tests (and the hosts they start) give their temporary folders. */
const OURS = /^(hermes-|gw-|dc-|cls-|xdg-|tui-complete-|sock-|skill-repo-|evasive-|cron-unit-)/;
/** Meant to outlive a run: the launcher's compile cache. */
const KEPT = new Set(['hermes-host-v8cache']);

export default async function setup(): Promise<() => void> {
  const started = Date.now();
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../..'), stdio: 'inherit' });
  if (process.env.HERMES_PREBUILD_IMAGE === '1') {
    const { prebuildE2EImage } = await import('./image-engine');
    // A failure here is left to the image test, which builds again and reports the error in its own result.
    await prebuildE2EImage().catch((e: Error) => process.stderr.write(`prebuilding the Docker image failed: ${e.message}\n`));
    process.stderr.write(`Docker image for the e2e test ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  return () => removeRunTemps(started);
}

/**
 * A full run leaves ~1,200 temporary folders (~1 GB) behind: hosts killed with -9 on purpose, tests that keep a
 * folder for a failure's post-mortem. Repeated runs on one machine filled its disk, so the run removes what it
 * made: only our names, only folders born after it started, and never across a mount point (a test's leftover
 * bind mount must not lead rm into the host's own files).
 */
function removeRunTemps(started: number): void {
  const root = tmpdir();
  const uid = process.getuid?.();
  const mine = readdirSync(root).filter((name) => {
    if (!OURS.test(name) || KEPT.has(name)) return false;
    try {
      const st = lstatSync(join(root, name));
      // Where the file system keeps no birth time, the last change stands in for it.
      return (st.birthtimeMs || st.ctimeMs) >= started - 1000 && (uid === undefined || st.uid === uid);
    } catch { return false; }
  });
  for (let i = 0; i < mine.length; i += 200) {
    spawnSync('rm', ['-rf', '--one-file-system', '--', ...mine.slice(i, i + 200).map((n) => join(root, n))], { stdio: 'ignore' });
  }
}
