/**
 * How the bin reads an error: its exit code and its lines, by the error guards (so an error of
 * another loaded copy of runstream reads the same) and by the one message prefix for the
 * `TypeError` and `RangeError` of a call that can never work.
 */
import { describe, expect, it, vi } from 'vitest';
import { EXIT, errorLines, exitCodeOf, exitCodeOfError } from '../../src/cli/watch.js';

/** runstream's entry, as a second module instance: its classes are not the bin's. */
async function otherCopy(): Promise<typeof import('../../src/index.js')> {
  vi.resetModules();
  return import('../../src/index.js');
}

describe('exit codes of errors', () => {
  it("are read by the guards, also for another copy's errors", async () => {
    const other = await otherCopy();
    const url = 'http://127.0.0.1:4800/api/runs/r1/events';
    const http = new other.HTTPError({ status: 401, statusText: 'Unauthorized', headers: new Headers(), body: undefined, method: 'GET', url });
    expect(exitCodeOfError(http)).toBe(EXIT.network);
    expect(exitCodeOfError(new other.ConnectionError({ method: 'GET', url, reason: 'refused' }))).toBe(EXIT.network);
    expect(exitCodeOfError(new other.TimeoutError({ method: 'GET', url, timeout: 10 }))).toBe(EXIT.network);
    expect(exitCodeOfError(new other.StreamError('server-error-event', 'cancelled', { outcome: 'cancelled' }))).toBe(EXIT.cancelled);
    expect(exitCodeOfError(new other.StreamError('server-error-event', 'failed', { outcome: 'failed' }))).toBe(EXIT.failed);
    expect(exitCodeOfError(new other.StreamError('retries-exhausted', 'gave up'))).toBe(EXIT.network);
    expect(exitCodeOfError(new other.StreamError('invalid-data', 'bad data'))).toBe(EXIT.broken);
    // A bare SDKError is no network failure.
    expect(exitCodeOfError(new other.SDKError('odd'))).toBe(EXIT.failed);
  });

  it('are usage errors for a TypeError or RangeError that starts with the one prefix, and only those', () => {
    expect(exitCodeOfError(new TypeError('runstream: `baseUrl` must be an absolute http(s) URL'))).toBe(EXIT.usage);
    expect(exitCodeOfError(new RangeError('runstream: `idleTimeout` must be a number of ms, got -1'))).toBe(EXIT.usage);
    expect(exitCodeOfError(new TypeError('Cannot read properties of undefined (reading "x")'))).toBe(EXIT.failed);
    expect(exitCodeOfError(new TypeError('fetch failed: runstream: somewhere inside'))).toBe(EXIT.failed);
  });
});

describe('exit codes of outcomes', () => {
  it('gives each outcome its code: completed and ended 0, failed 1, cancelled 3, interrupted 6', () => {
    const codes = (['completed', 'ended', 'closed', 'failed', 'cancelled', 'interrupted'] as const).map((type) => exitCodeOf({ type }, undefined));
    expect(codes).toEqual([0, 0, 0, 1, 3, 6]);
    expect(EXIT.waiting).toBe(6);
  });
});

describe('error lines', () => {
  it("show the class, the code and the platform's fields, without repeating the prefix", async () => {
    const other = await otherCopy();
    const error = new other.StreamError('server-error-event', 'job run_1 finished with status "cancelled"', { status: 'cancelled', outcome: 'cancelled', serverCode: 'USER' });
    expect(errorLines(error)).toEqual(['StreamError [server-error-event]: job run_1 finished with status "cancelled"', 'serverCode USER · serverStatus cancelled']);
    const numeric = new other.StreamError('server-error-event', 'skill failed', { status: 404 });
    expect(errorLines(numeric)[1]).toBe('status 404');
  });
});
