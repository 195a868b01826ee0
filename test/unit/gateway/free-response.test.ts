import { describe, expect, it } from 'vitest';
import { freeResponse } from '../../../server/gateway/free-response';

describe('where the bot answers without a mention', () => {
  it('nowhere by default; everywhere when mentions are turned off, in config or (winning) in the environment', () => {
    expect(freeResponse('telegram', {}, {})('-1')).toBe(false);
    expect(freeResponse('telegram', {}, { require_mention: false })('-1')).toBe(true);
    expect(freeResponse('discord', { DISCORD_REQUIRE_MENTION: 'false' }, { require_mention: true })('1')).toBe(true);
    expect(freeResponse('discord', { DISCORD_REQUIRE_MENTION: 'TRUE' }, { require_mention: false })('1')).toBe(false);
    // A value Hermes would not read as a flag leaves config to decide.
    expect(freeResponse('slack', { SLACK_REQUIRE_MENTION: 'maybe' }, { require_mention: false })('C1')).toBe(true);
  });

  it('in the free chats named in the environment or config; a thread counts as its channel', () => {
    const f = freeResponse('discord', { DISCORD_FREE_RESPONSE_CHANNELS: ' 10, 11 ' }, { free_response_chats: [12] });
    expect([f('10'), f('11'), f('12'), f('13')]).toEqual([true, true, true, false]);
    expect(f('99', '11')).toBe(true);
    expect(freeResponse('telegram', { TELEGRAM_FREE_RESPONSE_CHATS: '-5' }, {})('-5')).toBe(true);
  });
});
