// Loads the terminal chat's separate ESM bundle (dist/server/tui.mjs) at run time. The path is computed so esbuild
// leaves the import() alone instead of pulling Ink into the host bundle.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type TuiModule = typeof import('./tui/index');

const CI_VARS = ['CI', 'CONTINUOUS_INTEGRATION'];

export async function loadTui(): Promise<TuiModule> {
  const file = join(__dirname, 'tui.mjs');
  if (!existsSync(file)) throw new Error(`the terminal chat is not built (${file} is missing): run npm run build`);
  // Under the launcher the bundle runs in a vm.Script, whose own import() needs a flag; the launcher provides one.
  const viaLauncher = (globalThis as Record<symbol, unknown>)[Symbol.for('hermes-host.import')] as ((s: string) => Promise<unknown>) | undefined;
  const url = pathToFileURL(file).href;
  // Ink draws nothing until exit when CI or CONTINUOUS_INTEGRATION is set (it reads them once, on import). Someone
  // who opens the interactive chat on a terminal wants it drawn, so Ink is loaded without them; they are put back at
  // once, so commands the agent runs still see them.
  const hidden = CI_VARS.filter((k) => k in process.env).map((k) => [k, process.env[k]] as const);
  for (const [k] of hidden) delete process.env[k];
  try {
    return (await (viaLauncher ? viaLauncher(url) : import(url))) as TuiModule;
  } finally {
    for (const [k, v] of hidden) process.env[k] = v;
  }
}
