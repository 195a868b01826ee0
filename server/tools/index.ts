// Registers every built-in tool with its dependencies. New tool modules are added here.
import type { Host } from '../host';
import { createTodoTool } from './todo';
import { createClarifyTool } from './clarify';
import { createSessionSearchTool } from './session-search';
import { createReadResultTool } from './read-result';

export function installTools(host: Host): void {
  const r = host.registry;
  r.register(createTodoTool({ store: host.store, events: host.events }));
  r.register(createClarifyTool());
  r.register(createSessionSearchTool({ store: host.store }));
  r.register(createReadResultTool({ resultsDir: host.paths.results }));
}
