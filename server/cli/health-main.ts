// The container HEALTHCHECK's entry point (dist/server/health.js): the same check as `hermes-host health`, bundled
// apart from the host, so the probe the engine runs every 30 s starts a ~100 KB script instead of loading the whole
// host bundle. Usage: node dist/server/health.js [--timeout ms] [--json]  (HERMES_HOME / HERMES_PROFILE as usual)
import { applyProfile, homePaths } from '../config/home';
import { runHealth } from './health';

async function main(argv: string[]): Promise<number> {
  let timeout = '5000';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--timeout') timeout = argv[++i] ?? '';
    else throw new Error(`unknown argument ${a} (usage: health.js [--timeout ms] [--json])`);
  }
  return runHealth(homePaths(applyProfile(undefined)).socket, timeout, json);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stdout.write(`unhealthy: ${e.message}\n`);
    process.exit(1);
  },
);
