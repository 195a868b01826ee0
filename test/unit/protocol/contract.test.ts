// The e2e client's contract checks (test/support/contract.ts): wrong shapes, undeclared fields and unknown
// notifications are reported; conforming messages are not.
import { describe, expect, it } from 'vitest';
import { checkNotification, checkResult, checkServerRequest, undeclared } from '../../support/contract';

describe('contract checks', () => {
  it('accepts conforming results, notifications and host requests', () => {
    expect(checkResult('thread/list', { threads: [] })).toBeUndefined();
    expect(checkResult('shutdown', null)).toBeUndefined();
    expect(checkNotification('item/agentMessage/delta', { threadId: 't', turnId: 'u', itemId: 'i', delta: 'hi' })).toBeUndefined();
    expect(checkResult('approvals/list', { entries: [] })).toBeUndefined();
  });

  it('reports a result that does not parse, naming the path', () => {
    expect(checkResult('thread/list', { threads: 'none' })).toMatch(/^result of thread\/list does not match its schema: threads: /);
  });

  it('reports fields the schema does not declare, nested ones too', () => {
    expect(checkResult('thread/list', { threads: [], total: 3 })).toBe('result of thread/list has fields the schema does not declare: total');
    expect(undeclared({ a: [{ b: 1, c: 2 }] }, { a: [{ b: 1 }] })).toEqual(['a[0].c']);
  });

  it('reports unknown notifications and malformed host requests', () => {
    expect(checkNotification('thread/exploded', {})).toBe('notification thread/exploded: not in the protocol');
    expect(checkServerRequest('approval/request', { requestId: 'r' })).toMatch(/^request approval\/request does not match its schema/);
  });
});
