// Loads the terminal chat's separate ESM bundle (dist/server/tui.mjs) at run time. The path is computed so esbuild
// leaves the import() alone instead of pulling Ink into the host bundle.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type TuiModule = typeof import('./tui/index');

export async function loadTui(): Promise<TuiModule> {
  const file = join(__dirname, 'tui.mjs');
  if (!existsSync(file)) throw new Error(`the terminal chat is not built (${file} is missing): run npm run build`);
  // Under the launcher the bundle runs in a vm.Script, whose own import() needs a flag; the launcher provides one.
  const viaLauncher = (globalThis as Record<symbol, unknown>)[Symbol.for('hermes-host.import')] as ((s: string) => Promise<unknown>) | undefined;
  const url = pathToFileURL(file).href;
  return (await (viaLauncher ? viaLauncher(url) : import(url))) as TuiModule;
}
