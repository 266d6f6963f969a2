/**
 * Recognising runstream's errors across loaded copies of runstream: the brand every error
 * carries, and one guard per error family. `instanceof` fails across copies (an app that loads
 * both the ESM and the CommonJS build, or two versions side by side); the brand does not.
 *
 * @module
 */
import type { ConnectionError, HTTPError, SDKError, StreamError, TimeoutError } from './errors.js';

/**
 * The brand every runstream error carries: a key from the global symbol registry, so that every
 * loaded copy of runstream (the ESM and the CommonJS build, two versions in one `node_modules`)
 * reads and writes the same key, where each copy's classes, and so `instanceof`, differ. Its
 * value is the error's family: `'SDKError'`, `'HTTPError'`, `'ConnectionError'`,
 * `'TimeoutError'` or `'StreamError'`. Not enumerable: logs and `toJSON` never show it.
 */
const BRAND = Symbol.for('runstream.error');

/** Marks `error` as one of runstream's errors of `family` (see {@link BRAND}). @internal */
export const brand = (error: Error, family: string): void => void Object.defineProperty(error, BRAND, { value: family, configurable: true });

/** The family a runstream error's brand names, from any loaded copy; `undefined` for any other value. */
const familyOf = (value: unknown): unknown => {
  try {
    return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND];
  } catch {
    // A proxy whose `get` throws (or a revoked one) is no runstream error.
    return undefined;
  }
};

/**
 * True for any error runstream throws ({@link SDKError} and its subclasses), made by this copy
 * of runstream or by any other loaded copy, where `instanceof` fails: an app that loads both the
 * ESM and the CommonJS build (a dual package), or two versions side by side. Reads the error's
 * brand (a property keyed by `Symbol.for('runstream.error')`), never its `name` or prototype.
 *
 * @param value - anything caught; never throws.
 * @returns `true` when `value` carries runstream's error brand. `TypeError` and `RangeError`
 *   (a wrong option or argument, thrown at once) are plain errors, not `SDKError`s: their
 *   message starts with `runstream:`.
 *
 * @example
 * ```ts
 * try {
 *   await client.jobs.retrieve('run_abc123');
 * } catch (error) {
 *   if (isHTTPError(error) && error.status === 404) console.log('no such job');
 *   else if (isSDKError(error)) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export function isSDKError(value: unknown): value is SDKError {
  return typeof familyOf(value) === 'string';
}

/**
 * True for an {@link HTTPError} (a non-2xx response; a JSON call's 2xx that is not JSON) from any
 * loaded copy of runstream; see {@link isSDKError}.
 *
 * @param value - anything caught; never throws.
 */
export function isHTTPError(value: unknown): value is HTTPError {
  return familyOf(value) === 'HTTPError';
}

/**
 * True for a {@link ConnectionError} (no response, or the connection dropped) from any loaded
 * copy of runstream; see {@link isSDKError}.
 *
 * @param value - anything caught; never throws.
 */
export function isConnectionError(value: unknown): value is ConnectionError {
  return familyOf(value) === 'ConnectionError';
}

/**
 * True for a runstream {@link TimeoutError} (a deadline passed) from any loaded copy of
 * runstream; see {@link isSDKError}. False for the `DOMException` named `'TimeoutError'` that
 * `AbortSignal.timeout()` aborts with: runstream wraps that one in its own `TimeoutError`.
 *
 * @param value - anything caught; never throws.
 */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return familyOf(value) === 'TimeoutError';
}

/**
 * True for a {@link StreamError} (the event stream is unusable; see its `code`) from any loaded
 * copy of runstream; see {@link isSDKError}.
 *
 * @param value - anything caught; never throws.
 */
export function isStreamError(value: unknown): value is StreamError {
  return familyOf(value) === 'StreamError';
}
