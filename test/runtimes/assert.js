// @ts-check
/** A tiny assertion library for the runtime matrix: Web APIs only, JSON-like values. */

/** Thrown by the assertions below. */
export class AssertionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** @param {unknown} value */
function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Sorted-key JSON, so that deepEqual ignores key order. @param {unknown} value */
function canonical(value) {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]]))
      : item,
  );
}

/** @param {unknown} value @param {string} [message] @returns {asserts value} */
export function ok(value, message = 'expected a truthy value') {
  if (!value) throw new AssertionError(`${message} (got ${show(value)})`);
}

/** Strict equality (`Object.is`). @param {unknown} actual @param {unknown} expected @param {string} [message] */
export function equal(actual, expected, message = 'not equal') {
  if (!Object.is(actual, expected)) throw new AssertionError(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Structural equality of JSON-like data (key order ignored). @param {unknown} actual @param {unknown} expected @param {string} [message] */
export function deepEqual(actual, expected, message = 'not deep-equal') {
  if (canonical(actual) !== canonical(expected)) throw new AssertionError(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** @param {unknown} text @param {RegExp} pattern @param {string} [message] */
export function match(text, pattern, message = 'no match') {
  if (typeof text !== 'string' || !pattern.test(text)) throw new AssertionError(`${message}: ${show(text)} does not match ${pattern}`);
}

/**
 * @template T
 * @param {unknown} value @param {abstract new (...args: any[]) => T} type @param {string} [message]
 * @returns {asserts value is T}
 */
export function instanceOf(value, type, message = 'wrong type') {
  if (!(value instanceof type)) throw new AssertionError(`${message}: expected a ${type.name}, got ${show(value)}`);
}

/** The rejection of `promise`; fails when it resolves. @param {Promise<unknown>} promise @param {string} [message] @returns {Promise<any>} */
export async function rejects(promise, message = 'expected a rejection') {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new AssertionError(message);
}
