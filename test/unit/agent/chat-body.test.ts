// The chat completion request is built as text (server/agent/model-client.ts chatBody) with the tools' JSON reused
// per set of schema objects (tools-json.ts): it must say exactly what the SDK's own serialisation said.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { chatBody } from '../../../server/agent/model-client';
import { toolsJson } from '../../../server/agent/tools-json';

const tool = (name: string, description = `the ${name} tool`): ChatCompletionTool => ({
  type: 'function',
  function: { name, description, parameters: { type: 'object', properties: { q: { type: 'string', description: 'ünïcode "quoted"' } } } },
});

describe('chatBody', () => {
  it('is the streamed request with model, messages, temperature and tools', () => {
    const tools = [tool('a'), tool('b')];
    const messages = [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'line\nbreak "and" \u2028' }];
    const body = chatBody('m-1', { messages, tools, temperature: 0.3, signal: new AbortController().signal });
    expect(JSON.parse(body)).toEqual({ model: 'm-1', messages, temperature: 0.3, stream: true, stream_options: { include_usage: true }, tools });
  });

  it('leaves out tools and temperature when there are none', () => {
    const body = JSON.parse(chatBody('m', { messages: [{ role: 'user', content: 'x' }], tools: [], signal: new AbortController().signal }));
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('temperature');
  });
});

describe('toolsJson', () => {
  it('gives the JSON of the set it is given, new objects or old', () => {
    const a = tool('a');
    const b = tool('b');
    expect(JSON.parse(toolsJson([a, b]))).toEqual([a, b]);
    expect(JSON.parse(toolsJson([a, b]))).toEqual([a, b]);
    expect(JSON.parse(toolsJson([b, a]))).toEqual([b, a]);
    expect(JSON.parse(toolsJson([a]))).toEqual([a]);
    // A changed schema is a new object from the registry (its skills list changed, say): new JSON.
    const a2 = tool('a', 'now with more skills');
    expect(JSON.parse(toolsJson([a2, b]))).toEqual([a2, b]);
    for (let i = 0; i < 10; i++) toolsJson([tool(`t${i}`)]);
    expect(JSON.parse(toolsJson([a, b]))).toEqual([a, b]);
  });
});
