import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveReconnect, type ResolvedReconnect } from '../../src/core/options.js';
import { decide, reconnectDelay, type Decision, type PolicyState } from '../../src/core/policy.js';
import { ConnectionError, HTTPError, StreamError } from '../../src/core/errors.js';

function policy(overrides: Partial<ResolvedReconnect> = {}): ResolvedReconnect {
  return { ...DEFAULTS.reconnect, random: () => 0, ...overrides };
}

describe('reconnectDelay', () => {
  it('waits exactly the base delay on attempt 1, with no jitter', () => {
    const maxJitter = policy({ jitter: 0.5, random: () => 0.999 });
    expect(reconnectDelay(1, 1000, maxJitter)).toBe(1000);
    expect(reconnectDelay(1, 3700, maxJitter)).toBe(3700);
  });

  it('multiplies the delay by factor on each further attempt', () => {
    const p = policy({ factor: 3, maxDelay: 1_000_000 });
    expect([1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, 100, p))).toEqual([100, 300, 900, 2700, 8100]);
  });

  it('caps the grown delay at maxDelay', () => {
    const p = policy({ factor: 2, maxDelay: 5000 });
    expect([1, 2, 3, 4, 5, 6, 20].map((attempt) => reconnectDelay(attempt, 1000, p))).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000, 5000,
    ]);
  });

  it('honours a server retry above maxDelay as sent, and does not grow past it', () => {
    const p = policy({ factor: 2, maxDelay: 30_000 });
    expect(reconnectDelay(1, 60_000, p)).toBe(60_000);
    expect(reconnectDelay(2, 60_000, p)).toBe(60_000);
    expect(reconnectDelay(7, 60_000, p)).toBe(60_000);
  });

  it('removes at most the jitter share of the growth above the base, using the injected random', () => {
    const grown = 4000; // attempt 3 from 1000 with factor 2: 3000 above the base
    const at = (random: number) => reconnectDelay(3, 1000, policy({ jitter: 0.25, random: () => random }));
    expect(at(0)).toBe(grown);
    expect(at(0.5)).toBe(1000 + 3000 * (1 - 0.25 * 0.5));
    const near1 = at(0.999_999);
    expect(near1).toBeGreaterThanOrEqual(1000 + 3000 * 0.75);
    expect(near1).toBeLessThan(grown);
    for (let i = 0; i < 50; i++) {
      const delay = reconnectDelay(3, 1000, policy({ jitter: 0.25, random: Math.random }));
      expect(delay).toBeGreaterThanOrEqual(3250);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('never waits less than the base delay (the reconnection time), even with full jitter', () => {
    const p = policy({ jitter: 1, random: () => 0.999_999 });
    for (let attempt = 1; attempt <= 12; attempt++) expect(reconnectDelay(attempt, 60_000, p)).toBeGreaterThanOrEqual(60_000);
  });

  it('applies jitter after the cap, so a capped delay never exceeds maxDelay', () => {
    const p = policy({ maxDelay: 5000, jitter: 0.2, random: () => 0.5 });
    expect(reconnectDelay(10, 1000, p)).toBe(1000 + 4000 * 0.9);
  });

  it('returns whole milliseconds', () => {
    const p = policy({ factor: 1.5, jitter: 0.2, random: () => 0.123 });
    for (let attempt = 1; attempt <= 8; attempt++) expect(Number.isInteger(reconnectDelay(attempt, 333, p))).toBe(true);
  });
});

describe('resolveReconnect', () => {
  it('fills unset and undefined fields from DEFAULTS.reconnect and keeps false', () => {
    expect(resolveReconnect(false)).toBe(false);
    expect(resolveReconnect(true)).toEqual(DEFAULTS.reconnect);
    expect(resolveReconnect(undefined)).toEqual(DEFAULTS.reconnect);
    const resolved = resolveReconnect({ initialDelay: 250, maxAttempts: undefined });
    expect(resolved).toMatchObject({ initialDelay: 250, maxAttempts: DEFAULTS.reconnect.maxAttempts, factor: 2 });
  });

  it('defaults to 1000 ms, x2, 30000 ms cap, 0.2 jitter and 10 attempts', () => {
    expect(DEFAULTS.reconnect).toMatchObject({ initialDelay: 1000, factor: 2, maxDelay: 30_000, jitter: 0.2, maxAttempts: 10 });
  });
});

describe('decide (the reconnect policy, without timers)', () => {
  const base: PolicyState = {
    method: 'GET',
    url: 'http://api.test/events?token=secret',
    lastEventId: '7',
    resume: 'none',
    reconnect: policy(),
    cause: undefined,
    attempt: 0,
    delivered: 3,
    reached: true,
    retry: undefined,
  };
  const http = (status: number, headers: Record<string, string> = {}) =>
    new HTTPError({ status, statusText: '', headers: new Headers(headers), body: undefined, method: 'GET', url: base.url });
  /** The error of a decision to end; fails the test on a decision to reconnect. */
  const ended = (step: Decision): Error | undefined => {
    if (step.reconnect) throw new Error(`expected an end, got a reconnect after ${step.delay} ms`);
    return step.error;
  };
  const dropped = new ConnectionError({ method: 'GET', url: base.url, reason: 'the connection failed', cause: new TypeError('fetch failed') });

  it('reconnects a GET stream after a clean end, after initialDelay, then after the server retry', () => {
    expect(decide(base)).toEqual({ reconnect: true, attempt: 1, delay: 1000, delaySource: 'backoff' });
    expect(decide({ ...base, retry: 250 })).toEqual({ reconnect: true, attempt: 1, delay: 250, delaySource: 'retry' });
    expect(decide({ ...base, retry: 250, attempt: 2 })).toEqual({ reconnect: true, attempt: 3, delay: 1000, delaySource: 'retry' });
  });

  it('honours Retry-After of a 503 over the backoff', () => {
    expect(decide({ ...base, cause: http(503, { 'retry-after': '7' }) })).toEqual({ reconnect: true, attempt: 1, delay: 7000, delaySource: 'retry-after' });
  });

  it('ends with a 4xx other than 408 and 429, marked as a refusal', () => {
    const cause = http(404);
    expect(decide({ ...base, cause })).toEqual({ end: true, error: cause, refused: true });
    expect(decide({ ...base, cause: http(429) }).reconnect).toBe(true);
  });

  it('does not send a POST again after it was accepted, unless resume says so', () => {
    expect(decide({ ...base, method: 'POST', cause: dropped })).toEqual({ end: true, error: dropped });
    expect(decide({ ...base, method: 'POST', resume: 'resend', cause: dropped }).reconnect).toBe(true);
    expect(decide({ ...base, method: 'POST', delivered: 0, cause: http(503) }).reconnect).toBe(true);
  });

  it('gives up with retries-exhausted after maxAttempts failures in a row', () => {
    const error = ended(decide({ ...base, attempt: 10, cause: dropped }));
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'retries-exhausted', lastEventId: '7', cause: dropped });
    expect(error?.message).not.toContain('secret');
  });

  it('gives up on a server never reached after maxConnectAttempts, naming host and port', () => {
    expect(decide({ ...base, reached: false, cause: dropped, attempt: 1 }).reconnect).toBe(true);
    const error = ended(decide({ ...base, reached: false, cause: dropped, attempt: 2 }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.message).toContain('could not connect to api.test:80: no connection was ever made (3 attempts');
  });

  it('ends cleanly without reconnection', () => {
    expect(decide({ ...base, reconnect: false })).toEqual({ end: true, error: undefined });
  });
});
