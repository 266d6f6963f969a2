import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  HTTPError,
  MAX_ERROR_BODY,
  SDKError,
  StreamError,
  TimeoutError,
  redactText,
  redactUrl,
} from '../../src/core/errors.js';
import { Transport } from '../../src/core/request.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { rejection } from './support.js';

useMsw();

const SECRET_URL = 'https://alice:PW-SECRET@api.test/v1/runs?api_key=KEY-SECRET&token=TOK-SECRET&page=2';
const SECRETS = ['PW-SECRET', 'KEY-SECRET', 'TOK-SECRET', 'COOKIE-SECRET', 'AUTH-SECRET'];

function expectNoSecret(error: Error): void {
  const shown = [error.message, String(error), JSON.stringify(error)].join('\n');
  for (const secret of SECRETS) expect(shown).not.toContain(secret);
}

describe('redactUrl', () => {
  it('drops user info', () => {
    expect(redactUrl('https://alice:pw@api.test/x')).toBe('https://api.test/x');
    expect(redactUrl('https://token-only@api.test/x')).toBe('https://api.test/x');
  });

  it('replaces the values of secret-looking query parameters and keeps the others', () => {
    const redacted = new URL(
      redactUrl(
        'https://api.test/x?api_key=a&apiKey=b&access_token=c&client_secret=d&password=e&X-Amz-Signature=f&sig=g&auth=h&page=2&q=run',
      ),
    );
    expect(Object.fromEntries(redacted.searchParams)).toEqual({
      api_key: '***',
      apiKey: '***',
      access_token: '***',
      client_secret: '***',
      password: '***',
      'X-Amz-Signature': '***',
      sig: '***',
      auth: '***',
      page: '2',
      q: 'run',
    });
  });

  it('leaves a URL without secrets as it was', () => {
    expect(redactUrl('https://api.test/v1/runs/r1/events?limit=5')).toBe('https://api.test/v1/runs/r1/events?limit=5');
  });

  it('still drops user info from a string that does not parse as a URL', () => {
    expect(redactUrl('//alice:pw@host/path')).toBe('//host/path');
  });

  it('redacts every URL quoted inside free text', () => {
    const text = `Request cannot be constructed from a URL that includes credentials: ${SECRET_URL}; retry later`;
    const redacted = redactText(text);
    for (const secret of SECRETS) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('https://api.test/v1/runs?api_key=***&token=***&page=2');
    expect(redacted.endsWith('; retry later')).toBe(true);
  });
});

describe('error classes', () => {
  it('keep a literal name, the standard cause and lastEventId', () => {
    const cause = new TypeError('fetch failed');
    const error = new ConnectionError({ method: 'GET', url: 'https://api.test/e', reason: 'dropped', cause, lastEventId: '9' });
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConnectionError');
    expect(error.cause).toBe(cause);
    expect(error.lastEventId).toBe('9');
    expect(new TimeoutError({ method: 'GET', url: 'https://api.test', timeout: 5 }).name).toBe('TimeoutError');
    expect(new StreamError('invalid-data', 'x').name).toBe('StreamError');
    expect(new SDKError('x').name).toBe('SDKError');
  });

  it('hold no secret in message, String() or toJSON()', () => {
    const headers = new Headers({
      'set-cookie': 'session=COOKIE-SECRET',
      'www-authenticate': 'Bearer realm="api"',
      'x-request-id': 'req_1',
    });
    const leakyCause = new TypeError(`Request cannot be constructed from a URL that includes credentials: ${SECRET_URL}`);
    const errors: Error[] = [
      new HTTPError({ status: 401, statusText: 'Unauthorized', headers, body: { error: 'bad key' }, method: 'GET', url: SECRET_URL }),
      new ConnectionError({ method: 'GET', url: SECRET_URL, reason: `the request failed (${leakyCause.message})`, cause: leakyCause }),
      new TimeoutError({ method: 'POST', url: SECRET_URL, timeout: 100 }),
      new StreamError('retries-exhausted', 'gave up', { url: SECRET_URL, cause: leakyCause, lastEventId: '3' }),
      new SDKError('wrapped', { cause: leakyCause }),
    ];
    for (const error of errors) expectNoSecret(error);
    const json = (errors[0] as HTTPError).toJSON();
    expect(json).toMatchObject({ name: 'HTTPError', status: 401, requestId: 'req_1', url: 'https://api.test/v1/runs?api_key=***&token=***&page=2' });
    expect(json.headers).toEqual({ 'set-cookie': '***', 'www-authenticate': 'Bearer realm="api"', 'x-request-id': 'req_1' });
    expect((errors[3] as StreamError).toJSON()).toMatchObject({ code: 'retries-exhausted', lastEventId: '3', cause: { name: 'TypeError' } });
  });

  it('names the method, URL, status, reason and request id in an HTTPError message', () => {
    const error = new HTTPError({
      status: 429,
      statusText: 'Too Many Requests',
      headers: new Headers({ 'request-id': 'req_7' }),
      body: { error: { message: 'slow down' } },
      method: 'GET',
      url: 'https://api.test/e',
    });
    expect(error.message).toBe('runstream: GET https://api.test/e failed with HTTP 429 Too Many Requests: slow down (request id req_7)');
    expect(error.requestId).toBe('req_7');
  });
});

describe('HTTPError body', () => {
  const transport = new Transport({ baseUrl: BASE, timeout: 5000 });
  const call = () => transport.json({ method: 'GET', path: '/fail', auth: 'none' });

  it(`keeps at most ${MAX_ERROR_BODY} characters of a huge text body`, async () => {
    const huge = 'e'.repeat(1024 * 1024);
    server.use(http.get(`${BASE}/fail`, () => new HttpResponse(huge, { status: 500, headers: { 'content-type': 'text/plain' } })));
    const error = (await rejection(call())) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(typeof error.body).toBe('string');
    expect(error.body).toBe(`${'e'.repeat(MAX_ERROR_BODY)}…`);
    expect(error.message.length).toBeLessThan(500);
  });

  it('stops reading an endless error body at the bound', async () => {
    let pulls = 0;
    const chunk = new TextEncoder().encode('z'.repeat(1024));
    server.use(
      http.get(
        `${BASE}/fail`,
        () =>
          new HttpResponse(
            new ReadableStream<Uint8Array>({
              pull(controller) {
                pulls++;
                controller.enqueue(chunk);
              },
            }),
            { status: 503, headers: { 'content-type': 'text/plain' } },
          ),
      ),
    );
    const error = (await rejection(call())) as HTTPError;
    expect(error.status).toBe(503);
    expect((error.body as string).length).toBe(MAX_ERROR_BODY + 1);
    expect(pulls).toBeLessThan(200);
  });

  it('parses a JSON error body and keeps text that only claims to be JSON', async () => {
    server.use(http.get(`${BASE}/fail`, () => HttpResponse.json({ error: { message: 'nope' } }, { status: 400 })));
    expect(await rejection(call())).toMatchObject({ status: 400, body: { error: { message: 'nope' } } });
    server.use(
      http.get(`${BASE}/fail`, () => new HttpResponse('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'application/json' } })),
    );
    expect(await rejection(call())).toMatchObject({ status: 502, body: '<html>bad gateway</html>' });
  });

  it('leaves body undefined for an empty error body', async () => {
    server.use(http.get(`${BASE}/fail`, () => new HttpResponse(null, { status: 500 })));
    const error = (await rejection(call())) as HTTPError;
    expect(error.body).toBeUndefined();
    expect(error.message).toBe(`runstream: GET ${BASE}/fail failed with HTTP 500 Internal Server Error`);
  });
});
