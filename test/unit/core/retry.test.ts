import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { classifyFailure, retryDelay, StreamCutError } from '../../../server/agent/retry';

const policy = { maxRetries: 3, baseMs: 1000, maxMs: 30_000 };

describe('retry policy', () => {
  it('backs off exponentially with jitter and a cap', () => {
    const f = { retryable: true, message: '' };
    expect(retryDelay(1, policy, f, () => 0)).toBe(500);
    expect(retryDelay(1, policy, f, () => 1)).toBe(1000);
    expect(retryDelay(3, policy, f, () => 1)).toBe(4000);
    expect(retryDelay(10, policy, f, () => 1)).toBe(30_000);
  });

  it('honours Retry-After (seconds and HTTP date)', () => {
    const e429 = new OpenAI.APIError(429, { message: 'slow' }, 'slow', new Headers({ 'retry-after': '7' }));
    const f = classifyFailure(e429);
    expect(f).toMatchObject({ retryable: true, httpStatus: 429, retryAfterMs: 7000 });
    expect(retryDelay(1, policy, f)).toBe(7000);
    const date = new Date(Date.now() + 5000).toUTCString();
    const f2 = classifyFailure(new OpenAI.APIError(503, {}, 'x', new Headers({ 'retry-after': date })));
    expect(f2.retryAfterMs).toBeGreaterThan(3000);
  });

  it('classifies what to retry', () => {
    expect(classifyFailure(new OpenAI.APIError(500, { message: 'boom' }, 'boom', new Headers())).retryable).toBe(true);
    expect(classifyFailure(new OpenAI.APIError(400, { message: 'bad' }, 'bad', new Headers()))).toMatchObject({ retryable: false, message: '400: bad' });
    expect(classifyFailure(new OpenAI.APIError(401, {}, 'x', new Headers()))).toMatchObject({ retryable: false, endpointFatal: true });
    expect(classifyFailure(new StreamCutError()).retryable).toBe(true);
    const terminated = Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' } });
    expect(classifyFailure(terminated).retryable).toBe(true);
  });
});
