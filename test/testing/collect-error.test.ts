/**
 * `collectEvents().error` is typed as what it can hold: one of runstream's errors or another
 * `Error`, never `unknown`; a thrown non-Error is wrapped so that the type holds.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { HTTPError, connect, type SDKError } from '../../src/index.js';
import { collectEvents, scriptedFetch, type CollectedError } from '../../src/testing/index.js';

describe('collectEvents().error', () => {
  it('is typed as an SDK error or an Error, so its fields read without a cast after narrowing', async () => {
    const { error } = await collectEvents(connect('https://x.test/', { fetch: scriptedFetch({ status: 401, body: { error: 'no' } }) }));
    expectTypeOf(error).toEqualTypeOf<CollectedError | undefined>();
    expectTypeOf<SDKError>().toMatchTypeOf<CollectedError>();
    expectTypeOf(error).not.toBeUnknown();
    // `message` needs no narrowing; an HTTPError's fields need only instanceof.
    expect(error?.message).toContain('HTTP 401');
    expect(error instanceof HTTPError && error.status).toBe(401);
  });

  it('wraps a thrown value that is not an Error, keeping it as cause', async () => {
    const throwing: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject('plain string'),
      }),
    };
    const { error } = await collectEvents(throwing);
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toBe('the stream threw a value that is not an Error: plain string');
    expect(error?.cause).toBe('plain string');
  });
});
