// A stored session key back to the chat it names (where turns started elsewhere on its thread are delivered).
import { describe, expect, it } from 'vitest';
import { sessionChat, sessionKey } from '../../../server/gateway/routing';
import type { InboundEnvelope } from '../../../server/gateway/adapter';

const env = (o: Partial<InboundEnvelope>): InboundEnvelope =>
  ({ platform: 'telegram', cursor: 1, chatId: '-100', chatType: 'group', userId: '7', userName: 'u', messageId: '1', text: '', attachments: [], mentioned: true, ...o }) as InboundEnvelope;

describe('sessionChat', () => {
  it('is the inverse of sessionKey: chat type and topic, never a per-user suffix', () => {
    const cases: [Partial<InboundEnvelope>, boolean, { chatType: string; topicId?: string }][] = [
      [{ chatType: 'dm', chatId: '1001' }, true, { chatType: 'dm' }],
      [{ chatType: 'dm', chatId: '1001', threadId: '55' }, true, { chatType: 'dm', topicId: '55' }],
      [{ chatType: 'forum', threadId: '7' }, true, { chatType: 'forum', topicId: '7' }],
      [{ chatType: 'forum' }, true, { chatType: 'forum' }],
      [{ chatType: 'group' }, true, { chatType: 'group' }],
      [{ chatType: 'group' }, false, { chatType: 'group' }],
      [{ platform: 'slack', chatType: 'channel', chatId: 'C1', threadId: '1700000000.000100', userId: 'U9' }, true, { chatType: 'channel', topicId: '1700000000.000100' }],
      [{ platform: 'slack', chatType: 'channel', chatId: 'C1', userId: 'U9' }, true, { chatType: 'channel' }],
    ];
    for (const [o, perUser, want] of cases) {
      const e = env(o);
      expect(sessionChat(sessionKey(e, { groupSessionsPerUser: perUser }), e.platform, e.chatId)).toEqual(want);
    }
    expect(sessionChat('person:abc:dm', 'slack', 'D1')).toEqual({ chatType: 'dm' });
  });
});
