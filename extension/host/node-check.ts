// Before spawning the bundled host: is the Node it would run on usable? A missing binary, a Node older than 20, or a
// Node whose ABI this package carries no better-sqlite3 build for (dist/native/node-v<ABI>, see
// extension/build/native-abis.mjs) would otherwise surface as a stack trace in the output channel. The problem is
// put to the user with a button to the setting instead (HostConfigError, see supervisor.ts).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Node majors by module ABI, for naming what a build supports. */
const MAJOR_OF_ABI: Record<string, number> = { '115': 20, '127': 22, '137': 24, '141': 25 };
const MIN_MAJOR = 20;

export interface NodeFacts {
  version: string;
  abi: string;
}

/** Runs `<node> -p` once to learn its version and ABI; rejects with a reason a user can act on. */
export function probeNode(nodePath: string, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<NodeFacts> {
  return new Promise((resolve, reject) => {
    execFile(nodePath, ['-p', 'process.versions.node + " " + process.versions.modules'], { env, timeout: timeoutMs }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`no Node.js was found at "${nodePath}"`));
        if (code === 'EACCES') return reject(new Error(`"${nodePath}" cannot be run (permission denied)`));
        return reject(new Error(`"${nodePath}" did not run as Node.js: ${err.message.split('\n')[0]}`));
      }
      const [version, abi] = stdout.trim().split(' ');
      if (!version || !abi || !/^\d+\./.test(version)) return reject(new Error(`"${nodePath}" did not answer like Node.js (got ${JSON.stringify(stdout.trim().slice(0, 80))})`));
      resolve({ version, abi });
    });
  });
}

/** What is wrong with running the host entry on this Node, or undefined when nothing is. */
export function nodeProblem(facts: NodeFacts, hostEntry: string): string | undefined {
  const major = Number(facts.version.split('.')[0]);
  if (major < MIN_MAJOR) return `Node.js ${facts.version} is too old: Hermes needs Node.js ${MIN_MAJOR} or newer (20, 22 or 24)`;
  const native = join(dirname(hostEntry), '..', 'native');
  if (!existsSync(native)) return undefined; // a checkout: the modules were built for the Node that ran npm ci
  const abis = readdirSync(native).map((d) => /^node-v(\d+)$/.exec(d)?.[1]).filter((a): a is string => !!a);
  if (abis.includes(facts.abi)) return undefined;
  const supported = abis.map((a) => (MAJOR_OF_ABI[a] ? String(MAJOR_OF_ABI[a]) : `ABI ${a}`)).join(', ');
  return `Node.js ${facts.version} is not supported by this build of Hermes (supported: Node.js ${supported})`;
}

export async function checkNode(nodePath: string, hostEntry: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    return nodeProblem(await probeNode(nodePath, env), hostEntry);
  } catch (e) {
    return (e as Error).message;
  }
}
