/**
 * Secrecy of errors, by property: generated secrets in the query (every documented name), in
 * `Authorization`, `X-API-Key` and `Cookie`, and in a client's `apiKey`, driven through every
 * failure path a stream or a JSON call has (msw serves all HTTP), never appear in an error's
 * `message`, `String()`, `JSON.stringify()`, `util.inspect()` (causes included) or `stack`.
 */
import { delay, http, HttpResponse } from 'msw';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect, Crewship, PraisonAI, SkillsEngine, StreamError, type ConnectOptions } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { echo, expectNoSecret, formats, headersWith, quickRetries, rejection, RUNS, secrets, surfaces, urlWith, valuesOf, type Secrets } from './support.js';

useMsw();

/** The error a `connect()` stream to `url` (with the secret headers) ends with. */
async function streamError(s: Secrets, options: ConnectOptions = {}): Promise<unknown> {
  const stream = connect(urlWith(BASE, '/events', s), { headers: headersWith(s), reconnect: false, ...options });
  return rejection((async () => {
    for await (const _ of stream) void _;
  })());
}

/** An SSE response whose one event's data repeats the request. */
function sseEcho(request: Request): Response {
  const data = JSON.stringify({ url: request.url, headers: Object.fromEntries(request.headers) }).slice(1); // not JSON any more
  return new Response(`event: log\ndata: ${data}\n\n`, { headers: { 'content-type': 'text/event-stream' } });
}

describe('a connect() stream never shows its secrets', () => {
  it('in an HTTPError of a 4xx whose JSON, HTML or text body echoes the request', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(400, 401, 403, 404, 422), async (s, format, status) => {
        server.use(http.get(`${BASE}/events`, ({ request }) => echo(request, status, format)));
        const error = await streamError(s);
        expect(error).toMatchObject({ name: 'HTTPError', status });
        expectNoSecret(surfaces(error), valuesOf(s));
        // The harmless parameter stays visible: the redaction is by name, not wholesale.
        expect((error as Error).message).toContain('run=run_1');
      }),
      { numRuns: RUNS },
    );
  });

  it("in the 'retries-exhausted' StreamError after 5xx answers that echo the request, and its HTTPError cause", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(500, 502, 503), async (s, format, status) => {
        server.use(http.get(`${BASE}/events`, ({ request }) => echo(request, status, format)));
        const error = await streamError(s, { reconnect: quickRetries });
        expect(error).toMatchObject({ name: 'StreamError', code: 'retries-exhausted', cause: { name: 'HTTPError', status } });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("in the 'invalid-content-type' StreamError of a 200 page that echoes the request", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, async (s, format) => {
        server.use(http.get(`${BASE}/events`, ({ request }) => echo(request, 200, format)));
        const error = await streamError(s);
        expect(error).toMatchObject({ name: 'StreamError', code: 'invalid-content-type' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("in the 'invalid-data' StreamError of an event whose data echoes the request and is not JSON", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        server.use(http.get(`${BASE}/events`, ({ request }) => sseEcho(request)));
        const error = await streamError(s, { json: true });
        expect(error).toMatchObject({ name: 'StreamError', code: 'invalid-data' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("in the 'max-buffer-size' StreamError of an oversized event", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        server.use(http.get(`${BASE}/events`, ({ request }) => sseEcho(request)));
        const error = await streamError(s, { maxEventSize: 64 });
        expect(error).toMatchObject({ name: 'StreamError', code: 'max-buffer-size' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("in the ConnectionError of a fetch that failed with the URL in its message and in its nested causes (undici's shape)", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, fc.boolean(), async (s, retried) => {
        const failing: typeof fetch = async (input) => {
          const url = String(input);
          throw new TypeError(`fetch failed for ${url}`, {
            cause: Object.assign(new Error(`connect ECONNREFUSED while fetching ${url}`, { cause: new Error(`socket of ${url} closed`) }), {
              code: 'ECONNREFUSED',
              url,
            }),
          });
        };
        const error = await streamError(s, { fetch: failing, reconnect: retried ? quickRetries : false });
        expect(error).toMatchObject({ name: 'ConnectionError' });
        expectNoSecret(surfaces(error), valuesOf(s));
        // The runtime's error is still in the chain, of its class and with its code: sanitised, not dropped.
        let foreign = (error as Error).cause;
        while (foreign instanceof Error && foreign.name === 'ConnectionError') foreign = foreign.cause;
        expect(foreign).toBeInstanceOf(TypeError);
        expect((foreign as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      }),
      { numRuns: RUNS },
    );
  });

  it('in the TimeoutError of a stream whose signal timed out', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        server.use(http.get(`${BASE}/events`, async () => {
          await delay('infinite');
          return new Response(null);
        }));
        const error = await streamError(s, { signal: AbortSignal.timeout(1) });
        expect(error).toMatchObject({ name: 'TimeoutError' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: 3 },
    );
  });
});

describe("a client's apiKey and headers never show in its errors", () => {
  const echoed = (status: number, format: 'json' | 'html' | 'text') => ({ request }: { request: Request }) => echo(request, status, format);

  it('Crewship (Bearer key): a 401 stream and retries exhausted on 503, bodies echoing the request', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(401, 503), async (s, format, status) => {
        server.use(http.get(`${BASE}/v1/runs/run_1/events`, echoed(status, format)));
        const client = new Crewship({ baseUrl: BASE, apiKey: s.apiKey, headers: { cookie: `sid=${s.cookie}` }, reconnect: quickRetries });
        const error = await rejection((async () => {
          for await (const _ of client.runs.stream('run_1', { headers: { 'x-api-key': s.authorization } })) void _;
        })());
        expect(error).toMatchObject({ name: status === 401 ? 'HTTPError' : 'StreamError' });
        expectNoSecret(surfaces(error), valuesOf(s));
        expectNoSecret([JSON.stringify(client), String(client), (await import('node:util')).inspect(client, { depth: 10 })], [s.apiKey]);
      }),
      { numRuns: RUNS },
    );
  });

  it('SkillsEngine (X-API-Key): a POST stream and a JSON call answered 4xx/5xx with echoes', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(400, 401, 500), async (s, format, status) => {
        server.use(
          http.post(`${BASE}/v1/skills/my.skill/execute/stream`, echoed(status, format)),
          http.post(`${BASE}/v1/skills/my.skill/execute`, echoed(status, format)),
        );
        const client = new SkillsEngine({ baseUrl: BASE, apiKey: s.apiKey, headers: { authorization: `Bearer ${s.authorization}`, cookie: `sid=${s.cookie}` }, reconnect: false });
        const streamed = await rejection((async () => {
          for await (const _ of client.skills.start('my.skill', { inputs: { text: 'hi' } })) void _;
        })());
        const called = await rejection(client.skills.execute('my.skill', { inputs: { text: 'hi' } }));
        for (const error of [streamed, called]) {
          expect(error).toMatchObject({ name: 'HTTPError', status });
          expectNoSecret(surfaces(error), valuesOf(s));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a JSON call: timeout, abort, a 200 body that is not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        server.use(
          http.get(`${BASE}/api/v1/runs/job_slow`, async () => {
            await delay('infinite');
            return HttpResponse.json({});
          }),
          http.get(`${BASE}/api/v1/runs/job_html`, ({ request }) => echo(request, 200, 'html')),
        );
        const client = new PraisonAI({ baseUrl: BASE, apiKey: s.apiKey, auth: 'bearer', headers: { cookie: `sid=${s.cookie}`, 'x-api-key': s.authorization } });
        const errors = [
          await rejection(client.jobs.retrieve('job_slow', { timeout: 1 })),
          await rejection(client.jobs.retrieve('job_slow', { signal: AbortSignal.abort() })),
          await rejection(client.jobs.retrieve('job_html')),
        ];
        expect(errors.map((error) => (error as Error).name)).toEqual(['TimeoutError', 'AbortError', 'HTTPError']);
        for (const error of errors) expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: 3 },
    );
  });

  it('PraisonAI jobs: a resync that fails after a 400 (both answers echo the request)', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, async (s, format) => {
        server.use(
          http.get(`${BASE}/api/v1/runs/job_1/stream`, echoed(400, format)),
          http.get(`${BASE}/api/v1/runs/job_1`, echoed(500, format)),
        );
        const client = new PraisonAI({ baseUrl: BASE, apiKey: s.apiKey, auth: 'x-api-key', headers: { cookie: `sid=${s.cookie}`, authorization: `Bearer ${s.authorization}` }, reconnect: false });
        const error = await rejection((async () => {
          for await (const _ of client.jobs.stream('job_1')) void _;
        })());
        expect(error).toMatchObject({ name: 'HTTPError', status: 400 });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('URL credentials are refused at once and never shown', () => {
  const userinfo = fc.record({ user: fc.constantFrom('user', 'alice', 'x'), password: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 12, maxLength: 20 }).map((random) => `pSECRETp${random}`) });

  it('connect(), a client baseUrl and a resume URL throw a TypeError that names no password', async () => {
    await fc.assert(
      fc.asyncProperty(userinfo, async ({ user, password }) => {
        const withCredentials = `http://${user}:${password}@api.test`;
        const thrown = [
          rejectionOf(() => connect(`${withCredentials}/events`)),
          rejectionOf(() => connect(new URL(`${withCredentials}/events`))),
          rejectionOf(() => new Crewship({ baseUrl: withCredentials, apiKey: 'k' })),
          rejectionOf(() => connect(`${BASE}/events`, { method: 'POST', body: {}, resume: { url: `${withCredentials}/resume` } })),
        ];
        for (const error of thrown) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/header/);
          expectNoSecret(surfaces(error), [password]);
        }
        // A resume URL function's answer is checked when it is used: the stream fails with it.
        server.use(http.post(`${BASE}/start`, () => new Response('event: log\nid: 1\ndata: x\n\n', { headers: { 'content-type': 'text/event-stream' } })));
        const stream = connect(`${BASE}/start`, { method: 'POST', body: {}, reconnect: quickRetries, resume: { url: () => `${withCredentials}/resume` } });
        const error = await rejection((async () => {
          for await (const _ of stream) void _;
        })());
        expect(error).toBeInstanceOf(TypeError);
        expectNoSecret(surfaces(error), [password]);
      }),
      { numRuns: RUNS },
    );
  });
});

function rejectionOf(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

it('keeps the typed fields a caller branches on', async () => {
  server.use(http.get(`${BASE}/events`, () => HttpResponse.json({ error: { message: 'nope', code: 'E1' }, token: 'zz' }, { status: 409 })));
  const error = await rejection((async () => {
    for await (const _ of connect(`${BASE}/events?api_key=abc123456789xyz`, { reconnect: false })) void _;
  })());
  expect(error).toMatchObject({ name: 'HTTPError', status: 409, body: { error: { message: 'nope', code: 'E1' }, token: '***' } });
  expect((error as { url: string }).url).toBe(`${BASE}/events?api_key=***`);
  expect(error).not.toBeInstanceOf(StreamError);
});
