// The protocol is an artifact: its JSON Schema is checked in, and any change to a message must come with an
// updated snapshot (npm run protocol:snapshot), so clients see every contract change in review.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../../server/protocol/schema';
import { clientRequests, serverNotifications, serverRequests } from '../../../server/protocol';

const SNAPSHOT = resolve(__dirname, '../../../server/protocol/schema.snapshot.json');

describe('protocol schema', () => {
  it('matches the checked-in snapshot', () => {
    const current = JSON.stringify(toJsonSchema(), null, 2) + '\n';
    const saved = readFileSync(SNAPSHOT, 'utf8');
    if (current !== saved) {
      throw new Error('the protocol changed: review it and run `npm run protocol:snapshot` to update server/protocol/schema.snapshot.json');
    }
    expect(JSON.parse(saved).protocolVersion).toBe('1.0');
  });

  it('covers the methods of the design contract', () => {
    for (const m of ['initialize', 'thread/start', 'thread/resume', 'thread/list', 'thread/read', 'thread/fork', 'thread/rollback', 'thread/search', 'thread/archive', 'turn/start', 'turn/interrupt']) {
      expect(Object.keys(clientRequests)).toContain(m);
    }
    for (const n of ['turn/started', 'turn/completed', 'item/started', 'item/completed', 'item/agentMessage/delta', 'item/reasoning/delta', 'item/commandExecution/outputDelta', 'thread/tokenUsage/updated', 'serverRequest/resolved']) {
      expect(Object.keys(serverNotifications)).toContain(n);
    }
    expect(Object.keys(serverRequests)).toContain('approval/request');
  });

  it('rejects invalid params with paths', () => {
    const r = clientRequests['turn/start'].params.safeParse({ threadId: '', input: [{ type: 'text' }] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['threadId', 'input.0.text']));
  });
});
