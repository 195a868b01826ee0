// A small MCP server (stdio, real SDK) for the fault cases the reference servers cannot produce on demand: it
// refuses to start while the file named by FAULT_FLAG exists, exits in the middle of a call (`crash`), answers
// too late (`slow`), and returns a secret-shaped string (`leak`) that must reach the model redacted.
import { existsSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const flag = process.env.FAULT_FLAG;
if (flag && existsSync(flag)) {
  process.stderr.write('refusing to start: the test asked this server to fail\n');
  process.exit(3);
}
const server = new McpServer({ name: 'fault', version: '1.0.0' });
server.registerTool('echo', { description: 'Echo the text back', inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: 'text', text: `fault echo: ${text}` }],
}));
server.registerTool('crash', { description: 'Exit the server process in the middle of the call' }, async () => {
  process.stderr.write('crashing on purpose\n');
  setTimeout(() => process.exit(1), 20);
  return new Promise(() => {});
});
server.registerTool('slow', { description: 'Answer after 20 seconds', inputSchema: { n: z.number().optional() } }, async () => {
  await new Promise((r) => setTimeout(r, 20_000));
  return { content: [{ type: 'text', text: 'late' }] };
});
server.registerTool('leak', { description: 'Return text holding a key-shaped string' }, async () => ({
  content: [{ type: 'text', text: 'config: OPENAI_API_KEY=sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789 end' }],
}));
await server.connect(new StdioServerTransport());
