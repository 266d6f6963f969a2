/**
 * The redaction rules themselves (src/core/redact.ts), as documented: which query names, header
 * names and free-text shapes are masked, what stays visible, and how foreign errors are kept.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConnectionError, HTTPError, isSecretHeader, isSecretParam, redactHeaders, redactText, redactUrl, SDKError } from '../../src/index.js';
import { SECRET_PARAMS } from './support.js';

describe('query parameters', () => {
  it.each(SECRET_PARAMS)('masks the value of %s', (name) => {
    expect(isSecretParam(name)).toBe(true);
    expect(redactUrl(`https://api.test/e?${name}=v4lue&run=r1`)).toBe(`https://api.test/e?${name}=***&run=r1`);
  });

  it.each(['run', 'limit', 'types', 'page', 'q', 'status', 'id', 'format'])('keeps %s', (name) => {
    expect(isSecretParam(name)).toBe(false);
    expect(redactUrl(`https://api.test/e?${name}=v4lue`)).toBe(`https://api.test/e?${name}=v4lue`);
  });

  it('masks percent-encoded names, fragments and relative URLs, and leaves the text otherwise as it was', () => {
    expect(redactUrl('https://api.test/e?api%5Fkey=v&x=1#access_token=t&state=s')).toBe('https://api.test/e?api%5Fkey=***&x=1#access_token=***&state=s');
    expect(redactUrl('/v1/events?token=t')).toBe('/v1/events?token=***');
    expect(redactUrl('https://api.test/a b?x=1')).toBe('https://api.test/a b?x=1');
  });

  it('drops user info, including a password that holds an @', () => {
    expect(redactUrl('https://alice:p@ss@api.test/x?y=1')).toBe('https://api.test/x?y=1');
  });
});

describe('headers', () => {
  it.each(['Authorization', 'Proxy-Authorization', 'X-API-Key', 'Api-Key', 'Cookie', 'Set-Cookie', 'X-Auth-Token', 'X-Session-Id', 'X-Amz-Security-Token', 'X-Signature', 'X-Client-Secret', 'X-Password', 'X-Auth-Code', 'Passcode'])(
    '%s is secret',
    (name) => expect(isSecretHeader(name)).toBe(true),
  );
  it.each(['Accept', 'Content-Type', 'Last-Event-ID', 'X-Request-ID', 'WWW-Authenticate', 'Retry-After', 'User-Agent', 'Idempotency-Key', 'X-Error-Code', 'Content-Encoding'])('%s is not', (name) =>
    expect(isSecretHeader(name)).toBe(false),
  );

  it('redactHeaders takes Headers or a Node-style record', () => {
    expect(redactHeaders(new Headers({ authorization: 'Bearer t', accept: 'text/event-stream' }))).toEqual({ authorization: '***', accept: 'text/event-stream' });
    expect(redactHeaders({ 'X-API-Key': 'k', 'set-cookie': ['a=1', 'b=2'], host: 'h' })).toEqual({ 'x-api-key': '***', 'set-cookie': '***', host: 'h' });
  });
});

describe('free text', () => {
  it('masks URLs, Bearer/Basic credentials, JSON fields and header lines, and keeps prose', () => {
    const text = [
      'fetch failed for https://u:pw@api.test/e?token=t1&run=r1.',
      'sent Authorization: Bearer b1 and Basic YWxhZGRpbjpvcGVu',
      '{"x-api-key":"k1","apiKey": "k2","status":"bad","error":{"code":"E1"}}',
      'x-api-key: k3',
      '<pre>cookie: sid=c1; theme=dark</pre>',
      'the request includes credentials: see the docs',
    ].join('\n');
    const redacted = redactText(text);
    for (const secret of ['pw', 't1', 'b1', 'YWxhZGRpbjpvcGVu', 'k1', 'k2', 'k3', 'c1']) expect(redacted).not.toMatch(new RegExp(`\\b${secret}\\b`));
    expect(redacted).toContain('https://api.test/e?token=***&run=r1.');
    expect(redacted).toContain('"status":"bad"');
    expect(redacted).toContain('"code":"E1"');
    expect(redacted).toContain('the request includes credentials: see the docs');
  });
});

describe('errors and their causes', () => {
  it('keeps a clean foreign cause as it is, and a leaky one as a redacted copy of the same class', () => {
    const clean = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    expect(new ConnectionError({ method: 'GET', url: 'http://api.test/e', reason: 'x', cause: clean }).cause).toBe(clean);

    const leaky = new TypeError('fetch failed for http://api.test/e?token=t0k3n', { cause: Object.assign(new Error('inner http://api.test/e?sig=s1gn4'), { code: 'E_X' }) });
    const error = new ConnectionError({ method: 'GET', url: 'http://api.test/e?token=t0k3n', reason: 'x', cause: leaky });
    const cause = error.cause as TypeError;
    expect(cause).not.toBe(leaky);
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed for http://api.test/e?token=***');
    expect(cause.stack).toMatch(/^TypeError: fetch failed for http:\/\/api\.test\/e\?token=\*\*\*\n/);
    expect(cause.cause).toMatchObject({ message: 'inner http://api.test/e?sig=***', code: 'E_X' });
    const shown = [inspect(error, { depth: 10 }), JSON.stringify(error), String(error), error.stack].join('\n');
    expect(shown).not.toMatch(/t0k3n|s1gn4/);
    // inspect shows the chain, as Node does for any error.
    expect(inspect(error, { depth: 10 })).toMatch(/cause: TypeError: fetch failed[\s\S]*inner http/);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ cause: { name: 'TypeError', cause: { message: 'inner http://api.test/e?sig=***', code: 'E_X' } } });
  });

  it("masks secrets an HTTPError body echoes, keeping the rest of the body's shape", () => {
    const error = new HTTPError({
      status: 400,
      statusText: 'Bad Request',
      headers: new Headers(),
      body: { error: { message: 'bad', code: 'E1' }, request: { headers: { authorization: 'Bearer zz1', accept: '*/*' }, url: 'http://api.test/?key=zz2' } },
      method: 'GET',
      url: 'http://api.test/',
    });
    expect(error.body).toEqual({ error: { message: 'bad', code: 'E1' }, request: { headers: { authorization: '***', accept: '*/*' }, url: 'http://api.test/?key=***' } });
  });

  it('keeps a body JSON cannot hold as a mark, without throwing', () => {
    const cyclic: Record<string, unknown> = { token: 'zz3' };
    cyclic.self = cyclic;
    const make = (body: unknown) => new HTTPError({ status: 500, statusText: '', headers: new Headers(), body, method: 'GET', url: 'http://api.test/' });
    expect(make(cyclic).body).toBe('[…]');
    expect(make(undefined).body).toBeUndefined();
    expect(make(['a', { key: 1 }]).body).toEqual(['a', { key: '***' }]);
  });

  it('a message given to SDKError is redacted too', () => {
    expect(new SDKError('calling https://api.test/?api_key=abc failed').message).toBe('runstream: calling https://api.test/?api_key=*** failed');
  });
});
