/**
 * JSON calls over real sockets on 127.0.0.1 (no msw: the socket is what matters here): an event
 * stream answering a JSON call, and a port nothing listens on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, HTTPError, Stax } from '../../src/index.js';
import { refusedPort, startLoopback, type Loopback } from '../helpers/loopback.js';
import { rejection } from './support.js';

describe('a JSON call over a real socket', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  it('fails at once when the server answers text/event-stream and never ends, and frees the socket', async () => {
    // The response stays open until the client leaves: only the content-type check ends the
    // call. With the default 60 s deadline, a call that waited would outlive the test's own
    // timeout; the test needs neither.
    loopback.script({ headers: { 'content-type': 'text/event-stream' }, steps: [': connected\n\n', 'data: {"type":"run.started"}\n\n', { hold: true }] });
    const stax = new Stax({ baseUrl: loopback.url() });
    const error = await rejection(stax.runner.retrieve('a1b2c3d4'));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 200, method: 'GET', url: loopback.url('/api/runs/a1b2c3d4'), body: undefined });
    expect((error as Error).message).toContain('expected a JSON response, got HTTP 200 with an event stream (text/event-stream)');
    expect(loopback.requests.map((request) => request.path)).toEqual(['/api/runs/a1b2c3d4']);
    // The body was cancelled: the server sees the connection close.
    await loopback.requests[0]!.closed;
  });

  it('names the host, the port and the errno when nothing listens on the port', async () => {
    const port = await refusedPort();
    const stax = new Stax({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await rejection(stax.runner.retrieve('a1b2c3d4'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ method: 'GET', url: `http://127.0.0.1:${port}/api/runs/a1b2c3d4` });
    expect((error as Error).message).toMatch(
      new RegExp(`^runstream: GET http://127\\.0\\.0\\.1:${port}/api/runs/a1b2c3d4: could not connect to 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\); check the host and port`),
    );
  });
});
