// Fixed prompt cost of a default session: the system prompt plus the tool schemas sent with every model call,
// counted with gpt-tokenizer (o200k). Target <= 6,000 tokens (the Hermes agent spends about 16,000). Also the time
// to assemble the prompt for a new thread.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer';
import { Host } from '../server/host';
import { silentLogger } from '../server/util/log';
import { today } from '../server/agent/prompt';
import { median, report, timeRuns } from './lib';

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'hermes-prompt-bench-'));
  const ws = mkdtempSync(join(tmpdir(), 'hermes-prompt-ws-'));
  process.env.HERMES_BUNDLED_SKILLS = join(__dirname, '../../skills');
  const host = new Host({ hermesHome: home, log: silentLogger, workspaceRoot: ws, env: { ...process.env, OPENAI_API_KEY: 'x' } });
  const { tools } = host.registry.active({ config: host.config, env: host.env() });
  const ctx = { threadId: 't', cwd: ws, workspaceRoot: ws, hermesHome: home, model: 'gpt-4.1', toolNames: tools.map((t) => t.name), date: today(), backend: 'local' };
  const system = host.prompt.build(ctx);
  const schemas = JSON.stringify(tools.map((t) => host.registry.schema(t)));
  const sysTokens = encode(system).length;
  const toolTokens = encode(schemas).length;
  const build = await timeRuns(() => host.prompt.build({ ...ctx }), 30, 3);
  const perTool = tools
    .map((t) => ({ name: t.name, n: encode(JSON.stringify(host.registry.schema(t))).length }))
    .sort((a, b) => b.n - a.n)
    .slice(0, 5)
    .map((x) => `${x.name} ${x.n}`)
    .join(', ');
  await host.close();
  console.log(`tools offered: ${tools.length}; largest schemas: ${perTool}`);
  report('default session prompt', [
    { metric: 'system prompt (bundled skills, empty memory)', value: sysTokens, unit: 'tokens' },
    { metric: `tool schemas (${tools.length} tools)`, value: toolTokens, unit: 'tokens' },
    { metric: 'system prompt + tool schemas', value: sysTokens + toolTokens, unit: 'tokens', baseline: 16_000, target: '<= 6,000 (baseline: Hermes agent, reference figure)' },
    { metric: 'assemble a thread\'s system prompt', value: median(build), unit: 'ms' },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
