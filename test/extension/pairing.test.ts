// The pairing list VS Code shows: pending requests with their platform, user and age, then approved users.
import { describe, expect, it } from 'vitest';
import { ago, pairingItems, requestedMessage } from '../../extension/pairing-items';

describe('pairing items', () => {
  const now = 1_800_000_000_000;
  it('lists pending requests (name, platform, id, age, expiry) before approved users', () => {
    const items = pairingItems(
      {
        pending: [{ platform: 'telegram', userId: '1001', userName: 'Alice', createdAt: now - 5 * 60_000, expiresAt: now + 55 * 60_000 }],
        approved: [{ platform: 'slack', userId: 'U42', userName: '', approvedAt: now - 3 * 86_400_000 }],
      },
      now,
    );
    expect(items.map((i) => [i.label, i.description, i.detail])).toEqual([
      ['$(person-add) Alice', 'Telegram · id 1001 · asked 5 min ago', 'Waiting for approval; the code expires in 55 min'],
      ['$(pass) U42', 'Slack · id U42 · approved 3 days ago', undefined],
    ]);
    expect(items.map((i) => i.entry.kind)).toEqual(['pending', 'approved']);
  });

  it('says how long ago in words', () => {
    expect([ago(10_000), ago(59 * 60_000), ago(3 * 3600_000), ago(50 * 3600_000), ago(-5)]).toEqual(['just now', '59 min ago', '3 h ago', '2 days ago', 'just now']);
    expect(requestedMessage({ platform: 'telegram', userId: '7', userName: 'Bob' })).toBe('Hermes: Telegram user Bob (id 7) asks to talk to the agent.');
  });
});
