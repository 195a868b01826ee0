// JSON Schema export of the whole contract, so clients in other languages need not read our code.
import { z } from 'zod';
import { PROTOCOL_VERSION, clientNotifications, clientRequests, serverNotifications, serverRequests } from './index';

function convert(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

export function toJsonSchema(): Record<string, unknown> {
  const section = (
    defs: Record<string, { params: z.ZodType; result: z.ZodType }>,
    paramsIo: 'input' | 'output',
    resultIo: 'input' | 'output',
  ) =>
    Object.fromEntries(
      Object.entries(defs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, { params: convert(v.params, paramsIo), result: convert(v.result, resultIo) }]),
    );
  const notes = (defs: Record<string, z.ZodType>, io: 'input' | 'output') =>
    Object.fromEntries(
      Object.entries(defs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, { params: convert(v, io) }]),
    );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'hermes-host JSON-RPC protocol',
    protocolVersion: PROTOCOL_VERSION,
    clientRequests: section(clientRequests, 'input', 'output'),
    clientNotifications: notes(clientNotifications, 'input'),
    serverNotifications: notes(serverNotifications, 'output'),
    serverRequests: section(serverRequests, 'output', 'input'),
  };
}
