/**
 * Shared bits of the resource tests: a request log for msw handlers and a reconnect policy
 * that would reconnect at once, so a stream that wrongly reconnects shows up as an extra
 * request instead of a slow test.
 */
import { http, HttpResponse } from 'msw';
import { Runstream, type ClientOptions } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { BASE, server } from '../helpers/msw.js';
import { sseResponse } from '../helpers/sse.js';

/** What a handler saw of one request. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The body text, `''` when there is none. */
  body: string;
}

/** Collects the requests msw handlers receive, in order. */
export class RequestLog {
  readonly requests: SeenRequest[] = [];

  /** Records `request` (reading a clone of its body) and resolves once recorded. */
  async take(request: Request): Promise<void> {
    const body = await request.clone().text();
    this.requests.push({ method: request.method, url: new URL(request.url), headers: request.headers, body });
  }

  get count(): number {
    return this.requests.length;
  }

  /** The only request; fails the test when there were more or none. */
  only(): SeenRequest {
    if (this.requests.length !== 1) throw new Error(`expected exactly one request, saw ${this.requests.length}`);
    return this.requests[0]!;
  }
}

/**
 * The answer to a request a test did not expect (a reconnect after a terminal event): a 410
 * whose message says so, so a wrong reconnect fails the test at once instead of looping.
 */
export function unexpected(log: RequestLog): Response {
  return HttpResponse.text(`unexpected request #${log.count}: the stream should have ended`, { status: 410 });
}

/** A client on the msw base URL whose streams reconnect at once (the kit's `instantReconnect()`), at most twice in a row. */
export function testClient(options: Partial<ClientOptions> = {}): Runstream {
  return new Runstream({ baseUrl: BASE, reconnect: instantReconnect({ maxAttempts: 2 }).reconnect, ...options });
}

/**
 * Answers the first request to `route` with `chunks` as an event stream and any later one with
 * {@link unexpected}; returns the log of what was asked.
 */
export function serveOnce(method: 'get' | 'post', route: string, chunks: readonly string[]): RequestLog {
  const log = new RequestLog();
  server.use(
    http[method](route, async ({ request }) => {
      await log.take(request);
      return log.count === 1 ? sseResponse(chunks) : unexpected(log);
    }),
  );
  return log;
}
