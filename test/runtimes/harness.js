// @ts-check
/**
 * A tiny test harness that runs on every runtime of the matrix (Node, Bun, Deno, workerd, a
 * browser): `test()` registers, `run()` executes each test with a deadline and returns a plain
 * JSON-able report. Web APIs only; the assertions are in assert.js.
 */
import { AssertionError } from './assert.js';

/** @typedef {{ name: string, ok: boolean, ms: number, error?: string }} TestResult */
/** @typedef {{ passed: number, failed: number, ms: number, tests: TestResult[] }} SuiteReport */

/** @type {{ name: string, fn: () => Promise<void> }[]} */
const tests = [];

/** Registers a test. @param {string} name @param {() => Promise<void>} fn */
export function test(name, fn) {
  tests.push({ name, fn });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it stops throwing, every 10 ms, for at most `timeout` ms; then throws its
 * last error.
 * @param {() => Promise<void> | void} check @param {number} [timeout]
 */
export async function eventually(check, timeout = 2_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(10);
    }
  }
}

/**
 * Runs every registered test in order, each bounded by `timeout` ms.
 * @param {{ timeout?: number, filter?: string, onResult?: (result: TestResult) => void, afterEach?: () => void }} [options]
 * @returns {Promise<SuiteReport>}
 */
export async function run({ timeout = 10_000, filter, onResult, afterEach } = {}) {
  const started = Date.now();
  /** @type {TestResult[]} */
  const results = [];
  for (const { name, fn } of tests) {
    if (filter && !name.includes(filter)) continue;
    const t0 = Date.now();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {TestResult} */
    let result;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new AssertionError(`timed out after ${timeout} ms`)), timeout);
        }),
      ]);
      result = { name, ok: true, ms: Date.now() - t0 };
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result = { name, ok: false, ms: Date.now() - t0, error: text };
    } finally {
      clearTimeout(timer);
      afterEach?.();
    }
    results.push(result);
    onResult?.(result);
  }
  const passed = results.filter((result) => result.ok).length;
  return { passed, failed: results.length - passed, ms: Date.now() - started, tests: results };
}
