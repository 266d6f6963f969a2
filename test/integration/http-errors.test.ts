import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, SDKError } from '../../src/index.js';
import { API_KEY, budget, collect, FAST_RECONNECT, rejection, watch, useReferenceServer } from './support.js';

const ref = useReferenceServer();

const WRONG_KEY = 'sk-live-WRONG-5f4e3d2c1b0a';

/** Every way an error is commonly printed or logged. */
function renderings(error: unknown): string[] {
  return [String(error), (error as Error).message, JSON.stringify(error), inspect(error, { depth: 6 }), (error as Error).stack ?? ''];
}

function wrongKeyClient(): Runstream {
  return new Runstream({ baseUrl: ref.server.url, apiKey: WRONG_KEY, reconnect: FAST_RECONNECT });
}

describe('HTTP errors over a real socket', () => {
  it('fails a Bearer stream with HTTPError 401, without the key anywhere in the error, and without retrying', async () => {
    const log = watch(ref.server);
    const error = await rejection(collect(wrongKeyClient().runs.stream('run_abc123', { signal: budget() })));

    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toBeInstanceOf(SDKError);
    const httpError = error as HTTPError;
    expect(httpError).toMatchObject({ name: 'HTTPError', status: 401, method: 'GET', body: { error: { code: 'unauthorized' } } });
    expect(httpError.url).toBe(`${ref.server.url}/v1/runs/run_abc123/events`);
    expect(httpError.headers.get('www-authenticate')).toBe('Bearer');
    const [request, ...retries] = log.requests();
    expect(retries).toHaveLength(0);
    expect(httpError.requestId).toBe(request!.requestId);
    for (const text of renderings(error)) expect(text).not.toContain(WRONG_KEY);
    expect(JSON.stringify(log.requests())).not.toContain(WRONG_KEY);
  });

  it('fails an X-API-Key stream with HTTPError 401, without the key anywhere in the error', async () => {
    const error = await rejection(collect(wrongKeyClient().executions.stream('exec_xyz789', { signal: budget() })));
    expect(error).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    for (const text of renderings(error)) expect(text).not.toContain(WRONG_KEY);
  });

  it('fails a POST stream and a JSON call with HTTPError 401, without the key anywhere in the error', async () => {
    const client = wrongKeyClient();
    const streamError = await rejection(collect(client.skills.start('my.skill', { inputs: { text: 'x' } }, { signal: budget() })));
    const callError = await rejection(client.skills.execute('my.skill', { inputs: { text: 'x' } }));
    for (const error of [streamError, callError]) {
      expect(error).toBeInstanceOf(HTTPError);
      expect(error).toMatchObject({ status: 401, method: 'POST' });
      for (const text of renderings(error)) expect(text).not.toContain(WRONG_KEY);
    }
  });

  it('answers 401 when no key is configured at all', async () => {
    const log = watch(ref.server);
    const client = new Runstream({ baseUrl: ref.server.url, reconnect: FAST_RECONNECT });
    const error = await rejection(collect(client.runs.stream('run_abc123', { signal: budget() })));
    expect(error).toMatchObject({ status: 401 });
    expect(log.requests()[0]!.headers.authorization).toBeUndefined();
  });

  it('fails with HTTPError 404 for an unknown run, with the parsed body and request id, without retrying', async () => {
    const log = watch(ref.server);
    const client = new Runstream({ baseUrl: ref.server.url, apiKey: API_KEY, reconnect: FAST_RECONNECT });
    const error = await rejection(collect(client.runs.stream('run_missing', { signal: budget() })));

    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, statusText: 'Not Found', body: { error: { code: 'not_found', message: 'Run run_missing not found' } } });
    expect((error as HTTPError).message).toContain('Run run_missing not found');
    expect((error as HTTPError).requestId).toBe(log.requests()[0]!.requestId);
    expect(log.requests()).toHaveLength(1);
    for (const text of renderings(error)) expect(text).not.toContain(API_KEY);
  });
});
