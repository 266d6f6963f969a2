/**
 * The same kit under node:test, for projects without vitest:
 *
 * ```sh
 * npx tsx --tsconfig examples/testing/tsconfig.json --test examples/testing/node-test.ts
 * ```
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, Runstream } from 'runstream';
import { collectEvents, instantReconnect, platformScripts, scriptedFetch, startReferenceServer } from 'runstream/testing';

test('a scripted stream, no server', async () => {
  const fetch = scriptedFetch([{ event: 'ready', data: { ok: true } }]);
  const { events } = await collectEvents(connect('https://api.test/events', { fetch, json: true, reconnect: false }));
  assert.deepEqual(
    events.map((event) => [event.type, event.data]),
    [['ready', { ok: true }]],
  );
});

test('a platform run from the ready scripts', async () => {
  const client = new Runstream({ baseUrl: 'https://api.test', fetch: scriptedFetch(platformScripts()), reconnect: instantReconnect().reconnect });
  const { outcome } = await collectEvents(client.executions.stream('exec_failed'));
  assert.equal(outcome?.type, 'failed');
});

test('your script over a real socket', async () => {
  const server = await startReferenceServer();
  try {
    server.play('GET /events', [{ id: '1', data: 'over TCP' }]);
    const { events } = await collectEvents(connect(`${server.url}/events`, { reconnect: false }));
    assert.deepEqual(
      events.map((event) => event.data),
      ['over TCP'],
    );
  } finally {
    await server.close();
  }
});
