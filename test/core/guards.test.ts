/**
 * The error guards (`isSDKError`, `isHTTPError`, …) across loaded copies of runstream: the ESM
 * and the CommonJS build of the package (the dual-package hazard), and two module instances of
 * the source. Each copy has its own classes, so `instanceof` fails across them; the guards read
 * the brand every runstream error carries. Also the one message prefix, `runstream: `.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import * as here from '../../src/index.js';
import { ROOT, useBuiltCli } from '../cli/support.js';
import { BASE, server, useMsw } from '../helpers/msw.js';

useMsw();

type Copy = typeof here;
const FAMILIES = ['SDKError', 'HTTPError', 'ConnectionError', 'TimeoutError', 'StreamError'] as const;
type Family = (typeof FAMILIES)[number];

/** One error of each family, made by `copy`'s classes. */
function oneOfEach(copy: Copy): { [F in Family]: InstanceType<Copy[F]> } {
  const url = 'https://api.test/v1/runs/run_1/events';
  return {
    SDKError: new copy.SDKError('something failed'),
    HTTPError: new copy.HTTPError({ status: 404, statusText: 'Not Found', headers: new Headers(), body: undefined, method: 'GET', url }),
    ConnectionError: new copy.ConnectionError({ method: 'GET', url, reason: 'the connection was refused' }),
    TimeoutError: new copy.TimeoutError({ method: 'GET', url, timeout: 5 }),
    StreamError: new copy.StreamError('unexpected-end', 'the stream ended early', { lastEventId: 'evt_3' }),
  };
}

/** `copy`'s guard for each family. */
function guardsOf(copy: Copy): Record<Family, (value: unknown) => boolean> {
  return {
    SDKError: copy.isSDKError,
    HTTPError: copy.isHTTPError,
    ConnectionError: copy.isConnectionError,
    TimeoutError: copy.isTimeoutError,
    StreamError: copy.isStreamError,
  };
}

/** Asserts that `judge`'s guards and classes read errors made by `maker` as two copies must. */
function expectCopiesAgree(maker: Copy, judge: Copy): void {
  // Two copies, really: the classes differ, and `instanceof` says no.
  expect(maker.HTTPError).not.toBe(judge.HTTPError);
  const made = oneOfEach(maker);
  const guards = guardsOf(judge);
  for (const family of FAMILIES) {
    const error = made[family];
    expect(error instanceof judge.SDKError, `${family} instanceof the other copy's SDKError`).toBe(false);
    expect(guards.SDKError(error), `isSDKError(${family})`).toBe(true);
    for (const other of FAMILIES.slice(1)) {
      expect(guards[other](error), `is${other}(${family})`).toBe(other === family);
    }
  }
}

describe('error guards across two module instances of the source', () => {
  it('accept the errors of the other instance, where instanceof fails, and keep each family apart', async () => {
    vi.resetModules();
    const other = (await import('../../src/index.js')) as Copy;
    expectCopiesAgree(other, here);
    expectCopiesAgree(here, other);
  });

  it("keep a user subclass in its runstream family, whatever name it gives itself", () => {
    class RateLimited extends here.HTTPError {
      override name = 'RateLimited' as never;
    }
    const error = new RateLimited({ status: 429, statusText: '', headers: new Headers(), body: undefined, method: 'GET', url: 'https://api.test/x' });
    expect(error.name).toBe('RateLimited');
    expect(here.isHTTPError(error)).toBe(true);
    expect(here.isStreamError(error)).toBe(false);
  });

  it('leave instanceof working within one copy', () => {
    const made = oneOfEach(here);
    for (const family of FAMILIES) {
      expect(made[family]).toBeInstanceOf(here.SDKError);
      expect(made[family]).toBeInstanceOf(here[family]);
    }
    expect(made.HTTPError).not.toBeInstanceOf(here.StreamError);
  });

  it("keep another copy's error as the cause as it is, and show its fields in toJSON", async () => {
    vi.resetModules();
    const other = (await import('../../src/index.js')) as Copy;
    const cause = oneOfEach(other).HTTPError;
    const error = new here.StreamError('retries-exhausted', 'gave up', { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error)).cause).toMatchObject({ name: 'HTTPError', status: 404, method: 'GET' });
  });
});

describe('error guards across the ESM and the CommonJS build', () => {
  useBuiltCli(); // dist/ as new as src/

  it('accept an error of either build in the other, where instanceof fails', async () => {
    const cjs = createRequire(import.meta.url)(join(ROOT, 'dist/index.cjs')) as Copy;
    const esm = (await import(pathToFileURL(join(ROOT, 'dist/index.js')).href)) as Copy;
    expectCopiesAgree(cjs, esm);
    expectCopiesAgree(esm, cjs);
  });
});

describe('error guards refuse what is not a runstream error', () => {
  it('by the brand, never by name, shape or message', () => {
    const lookalikes: unknown[] = [
      undefined,
      null,
      'HTTPError',
      404,
      new Error('runstream: GET https://api.test/x failed with HTTP 404'),
      new TypeError('runstream: `baseUrl` must be an absolute http(s) URL'),
      Object.assign(new Error('not found'), { name: 'HTTPError', status: 404 }),
      { name: 'StreamError', code: 'invalid-data', message: 'runstream: x' },
      new DOMException('The operation timed out.', 'TimeoutError'),
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
    ];
    const guards = guardsOf(here);
    lookalikes.forEach((value, index) => {
      for (const family of FAMILIES) expect(guards[family](value), `is${family}(lookalikes[${index}])`).toBe(false);
    });
  });

  it('hide the brand from logs: not in toJSON, Object.keys or a spread', () => {
    const error = oneOfEach(here).StreamError;
    expect(Object.getOwnPropertySymbols(error)).toHaveLength(1);
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
    expect(JSON.stringify(error)).not.toContain('runstream.error');
  });
});

describe('one message prefix', () => {
  it('starts the message of every error class with "runstream: ", once', () => {
    for (const error of Object.values(oneOfEach(here))) expect(error.message).toMatch(/^runstream: (?!runstream:)/);
    expect(new here.SDKError('runstream: already said').message).toBe('runstream: already said');
  });

  it('starts every TypeError and RangeError thrown for a wrong call with "runstream: "', async () => {
    const thrown = (call: () => unknown): unknown => {
      try {
        call();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    server.use(http.get(`${BASE}/events`, () => new Response(null, { status: 204 })));
    const client = new here.Runstream({ baseUrl: BASE, apiKey: 'line\nbreak' });
    const stream = here.connect(`${BASE}/events`, { reconnect: false });
    void stream[Symbol.asyncIterator]();
    const errors = [
      thrown(() => new here.Runstream({ baseUrl: 'api.test' })),
      thrown(() => new here.Runstream({ baseUrl: 'https://user:pw@api.test' })),
      thrown(() => new here.Runstream({ baseUrl: BASE, timeout: -1 })),
      thrown(() => here.connect('ftp://api.test/events')),
      thrown(() => here.connect(`${BASE}/events`, { reconnect: 'always' as never })),
      thrown(() => client.runs.stream('')),
      thrown(() => client.runs.stream('run_1')),
      thrown(() => stream[Symbol.asyncIterator]()),
    ];
    stream.close();
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toMatch(/^(TypeError|RangeError)$/);
      expect((error as Error).message).toMatch(/^runstream: /);
    }
  });
});

describe('one type for status, one way to say "no id"', () => {
  it("keeps a platform's number as StreamError.status and its word as serverStatus", () => {
    const numeric = new here.StreamError('server-error-event', 'skill failed', { status: 404, serverCode: 'SKILL_NOT_FOUND' });
    expect(numeric).toMatchObject({ status: 404, serverStatus: undefined, serverCode: 'SKILL_NOT_FOUND' });
    const word = new here.StreamError('server-error-event', 'job failed', { status: 'cancelled', outcome: 'cancelled' });
    expect(word).toMatchObject({ status: undefined, serverStatus: 'cancelled' });
  });

  it("says lastEventId '' for an error that ended no stream, and leaves it out of toJSON", () => {
    const error = oneOfEach(here).HTTPError;
    expect(error.lastEventId).toBe('');
    expect(error.toJSON()).not.toHaveProperty('lastEventId');
    expect(oneOfEach(here).StreamError.toJSON()).toMatchObject({ lastEventId: 'evt_3' });
  });
});
