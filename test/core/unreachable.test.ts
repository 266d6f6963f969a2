/**
 * A stream whose server is never reached gives up after a short budget, over real sockets on
 * 127.0.0.1 (no msw here: it would answer the refused requests itself).
 */
import { describe, expect, it } from 'vitest';
import { ConnectionError, connect } from '../../src/index.js';
import { refusedPort } from '../helpers/loopback.js';
import { collect } from '../helpers/sse.js';
import { instantReconnect } from '../../src/testing/index.js';
import { reconnectLog, rejection } from './support.js';

describe('fail fast where waiting cannot help: a server never reached', () => {
  it('gives up on a refused port after 3 requests within the initial budget, naming host and port', async () => {
    const port = await refusedPort();
    const { reconnect, delays } = instantReconnect({ random: () => 0.5 });
    const { onReconnect, reconnects } = reconnectLog();
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const error = await rejection(collect(connect(`http://127.0.0.1:${port}/events`, { fetch: counting, reconnect, onReconnect })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(`127.0.0.1:${port}`);
    expect((error as ConnectionError).message).toMatch(/no connection was ever made \(3 attempts/);
    expect((error as ConnectionError).cause).toBeInstanceOf(ConnectionError);
    expect(requests).toBe(3);
    // The rule: the default budget gives up within a few seconds (here 1000 + 1800 ms of waits).
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(3000);
    expect(reconnects.map((info) => info.attempt)).toEqual([1, 2]);
  });

  it('gives up on a DNS failure from the injected fetch, with a configurable budget', async () => {
    const { reconnect, delays } = instantReconnect({ maxConnectAttempts: 2 });
    let requests = 0;
    const dnsFailure = (() => {
      requests++;
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND api.exmaple.com'), { code: 'ENOTFOUND' });
      return Promise.reject(new TypeError('fetch failed', { cause }));
    }) as typeof fetch;
    const error = await rejection(collect(connect('https://api.exmaple.com/v1/events', { fetch: dnsFailure, reconnect })));
    expect(error).toMatchObject({ name: 'ConnectionError' });
    expect((error as Error).message).toContain('api.exmaple.com:443');
    expect((error as Error).message).toContain('ENOTFOUND');
    expect(requests).toBe(2);
    expect(delays).toHaveLength(1);
  });

  it('fails a POST stream to a refused port at once with the same message', async () => {
    const port = await refusedPort();
    const error = await rejection(collect(connect(`http://127.0.0.1:${port}/run`, { method: 'POST', body: { a: 1 } })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: no connection was ever made \\(1 attempt;`));
  });

});

