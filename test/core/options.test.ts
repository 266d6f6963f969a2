/**
 * Options are checked once, when a client, stream, call or relay is made: every duration is a
 * finite number of milliseconds in [0, 2³¹−1] or 0 for "off", every count a whole number in
 * its range; anything else is a RangeError naming the option and the value. The defaults are
 * frozen.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, Runstream, connect, dedupe, relayStream, type ClientOptions, type ConnectOptions } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { frame, sseResponse } from '../helpers/sse.js';

useMsw();

const MS = 'a number of milliseconds from 0 to 2147483647';

/** Invalid values of every numeric option, each with the message it must get. */
const INVALID: [string, Record<string, unknown>, string][] = [
  ['idleTimeout Infinity (used to re-arm a 1 ms timer)', { idleTimeout: Infinity }, `\`idleTimeout\` must be ${MS} (0 turns it off), got Infinity`],
  ['idleTimeout above the timer limit', { idleTimeout: 2 ** 31 }, `\`idleTimeout\` must be ${MS} (0 turns it off), got 2147483648`],
  ['idleTimeout negative', { idleTimeout: -1 }, `\`idleTimeout\` must be ${MS} (0 turns it off), got -1`],
  ['idleTimeout NaN', { idleTimeout: Number.NaN }, `\`idleTimeout\` must be ${MS} (0 turns it off), got NaN`],
  ['idleTimeout as a string', { idleTimeout: '5000' }, `\`idleTimeout\` must be ${MS} (0 turns it off), got "5000"`],
  ['maxEventSize 0', { maxEventSize: 0 }, '`maxEventSize` must be a whole number ≥ 1, got 0'],
  ['maxEventSize Infinity', { maxEventSize: Infinity }, '`maxEventSize` must be a whole number ≥ 1, got Infinity'],
  ['maxEventSize 1.5', { maxEventSize: 1.5 }, '`maxEventSize` must be a whole number ≥ 1, got 1.5'],
  ['reconnect.initialDelay Infinity', { reconnect: { initialDelay: Infinity } }, `\`reconnect.initialDelay\` must be ${MS}, got Infinity`],
  ['reconnect.maxDelay 3e9', { reconnect: { maxDelay: 3e9 } }, `\`reconnect.maxDelay\` must be ${MS}, got 3000000000`],
  ['reconnect.factor 0.5', { reconnect: { factor: 0.5 } }, '`reconnect.factor` must be a finite number ≥ 1, got 0.5'],
  ['reconnect.factor Infinity', { reconnect: { factor: Infinity } }, '`reconnect.factor` must be a finite number ≥ 1, got Infinity'],
  ['reconnect.jitter 2', { reconnect: { jitter: 2 } }, '`reconnect.jitter` must be a number from 0 to 1, got 2'],
  ['reconnect.jitter NaN', { reconnect: { jitter: Number.NaN } }, '`reconnect.jitter` must be a number from 0 to 1, got NaN'],
  ['reconnect.maxAttempts -1', { reconnect: { maxAttempts: -1 } }, '`reconnect.maxAttempts` must be a whole number ≥ 0 or Infinity, got -1'],
  ['reconnect.maxAttempts 2.5', { reconnect: { maxAttempts: 2.5 } }, '`reconnect.maxAttempts` must be a whole number ≥ 0 or Infinity, got 2.5'],
  ['reconnect.maxConnectAttempts 0', { reconnect: { maxConnectAttempts: 0 } }, '`reconnect.maxConnectAttempts` must be a whole number ≥ 1 or Infinity, got 0'],
  ['reconnect as a number', { reconnect: 5 }, '`reconnect` must be true, false or an object of reconnect options, got 5'],
];

/** Invalid values of the JSON deadline, which clients and calls take. */
const TIMEOUTS: [string, number | string, string][] = [
  ['Infinity (used to fail every call at once)', Infinity, 'Infinity'],
  ['3e9 (past the timer limit: used to fire at once)', 3e9, '3000000000'],
  ['-5', -5, '-5'],
  ['a string', '60000', '"60000"'],
];

function thrown(make: () => unknown): RangeError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    return error as RangeError;
  }
  throw new Error('expected a RangeError, nothing was thrown');
}

describe('client options', () => {
  it.each(INVALID)('refuses %s when the client is made', (_name, options, message) => {
    expect(thrown(() => new Runstream({ baseUrl: BASE, ...(options as Partial<ClientOptions>) })).message).toBe(`runstream: ${message}`);
  });

  it.each(TIMEOUTS)('refuses timeout %s', (_name, timeout, shown) => {
    expect(thrown(() => new Runstream({ baseUrl: BASE, timeout: timeout as number })).message).toBe(
      `runstream: \`timeout\` must be ${MS} (0 turns it off), got ${shown}`,
    );
  });

  it('takes every documented edge: 0 (off), 2³¹−1, Infinity attempts, jitter 0 and 1, factor 1', () => {
    for (const options of [
      { timeout: 0, idleTimeout: 0, reconnect: { initialDelay: 0, maxDelay: 0, jitter: 0, factor: 1, maxAttempts: 0, maxConnectAttempts: 1 } },
      { timeout: 2_147_483_647, idleTimeout: 2_147_483_647, maxEventSize: 1, reconnect: { jitter: 1, maxAttempts: Infinity, maxConnectAttempts: Infinity } },
      { timeout: undefined, idleTimeout: undefined, maxEventSize: undefined, reconnect: false },
      { reconnect: true },
    ] satisfies Partial<ClientOptions>[]) {
      expect(() => new Runstream({ baseUrl: BASE, ...options })).not.toThrow();
    }
  });
});

describe('stream options', () => {
  it.each(INVALID)('connect() refuses %s synchronously', (_name, options, message) => {
    expect(thrown(() => connect(`${BASE}/events`, options as ConnectOptions)).message).toBe(`runstream: ${message}`);
  });

  it.each(INVALID)("a resource's stream refuses %s synchronously", (_name, options, message) => {
    const client = new Runstream({ baseUrl: BASE });
    expect(thrown(() => client.runs.stream('run_abc123', options)).message).toBe(`runstream: ${message}`);
    expect(thrown(() => client.runner.start({ workflow: 'build' }, options)).message).toBe(`runstream: ${message}`);
  });

  it('jobs.run() refuses bad stream options before it submits the job', async () => {
    // No handler: a submitted job would be an unhandled request, which fails the test.
    const error = await new Runstream({ baseUrl: BASE }).jobs.run({ prompt: 'x' }, { idleTimeout: Infinity }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain('`idleTimeout`');
  });

  it('refuses a dedupe window that is not a whole number ≥ 1, naming it and the value', () => {
    for (const window of [0, -1, 1.5, NaN, Infinity]) expect(() => dedupe(window)).toThrow(new RangeError(`runstream: dedupe's window must be a whole number ≥ 1, got ${window}`));
    expect(() => connect(`${BASE}/events`, { use: [dedupe(50)] })).not.toThrow();
  });

  it('runs a stream with maxAttempts Infinity', async () => {
    server.use(http.get(`${BASE}/events`, () => sseResponse([frame({ event: 'done', data: 'one' })])));
    const stream = connect(`${BASE}/events`, { reconnect: { maxAttempts: Infinity }, idleTimeout: 0, maxEventSize: 1 << 20 });
    for await (const event of stream) {
      expect(event).toMatchObject({ type: 'done', data: 'one' });
      break;
    }
  });
});

describe('relay options', () => {
  it.each([
    ['Infinity', Infinity],
    ['-1', -1],
    ['3e9', 3e9],
  ])("relayStream refuses keepalive %s", (shown, keepalive) => {
    const upstream = connect(`${BASE}/events`);
    expect(thrown(() => relayStream(upstream, { keepalive })).message).toBe(
      `runstream: \`keepalive\` must be ${MS} (0 turns it off), got ${shown === '3e9' ? '3000000000' : shown}`,
    );
  });

  it('takes keepalive 0 (off)', async () => {
    server.use(http.get(`${BASE}/events`, () => HttpResponse.json({}, { status: 404 })));
    const body = relayStream(connect(`${BASE}/events`, { reconnect: false }), { keepalive: 0 });
    await body.cancel();
  });
});

describe('DEFAULTS', () => {
  it('is frozen all the way down: no module can change every later stream', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.reconnect)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.idleTimeout)).toBe(true);
    // Test files are ES modules, so strict: assigning to a frozen property throws.
    // @ts-expect-error -- readonly in the types too
    expect(() => (DEFAULTS.reconnect.maxAttempts = 0)).toThrow(TypeError);
    // @ts-expect-error -- readonly in the types too
    expect(() => (DEFAULTS.timeout = 1)).toThrow(TypeError);
    // @ts-expect-error -- readonly in the types too
    expect(() => (DEFAULTS.idleTimeout.runs = 0)).toThrow(TypeError);
    expect(DEFAULTS.reconnect.maxAttempts).toBe(10);
    expect(DEFAULTS.timeout).toBe(60_000);
    expect(DEFAULTS.idleTimeout.runs).toBe(120_000);
  });
});

describe('URLs with a port that can never work', () => {
  it.each([
    ['http://127.0.0.1:99999/x', 'has an invalid port (99999)'],
    ['http://127.0.0.1:0/x', 'has an invalid port (0)'],
    ['https://[::1]:70000/x', 'has an invalid port (70000)'],
  ])('connect(%s) names the port, not the URL, as the problem', (url, message) => {
    expect(() => connect(url)).toThrow(new TypeError(`runstream: the stream URL ${message}: a port is a number from 1 to 65535`));
  });

  it('refuses user info before it looks at the port, naming neither the password nor the URL as a port', () => {
    for (const make of [() => connect('http://user:pass@127.0.0.1:99999/x'), () => new Runstream({ baseUrl: 'http://user:pass@127.0.0.1:99999' })]) {
      expect(make).toThrow(TypeError);
      expect(make).toThrow(/had user info/);
      expect(make).not.toThrow(/user:pass@|invalid port/);
    }
  });

  it.each(['http://127.0.0.1:8080/x', 'https://[::1]:443/x', 'http://api.test/a:b/c'])(
    'leaves %s alone (a valid port; a colon in the path)',
    (url) => {
      expect(() => connect(url)).not.toThrow();
      expect(() => new Runstream({ baseUrl: url })).not.toThrow();
    },
  );
});
