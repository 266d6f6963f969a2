/**
 * A reconnect test: the connection drops mid-event, the client must come back with
 * `Last-Event-ID` and lose nothing; instantReconnect() makes the wait take no time.
 */
import { expect, it } from 'vitest';
import { connect } from 'runstream';
import { collectEvents, instantReconnect, scriptedFetch } from 'runstream/testing';

it('resumes after the last event it received', async () => {
  const fetch = scriptedFetch({
    connections: [
      { steps: [{ id: '1', data: 'one' }, { id: '2', data: 'two' }, { cut: 'mid-event' }, { id: '3', data: 'three' }] },
      // Refused with a 418 that says why, should the client send anything else.
      { expectLastEventId: '2', steps: [{ id: '3', data: 'three' }] },
    ],
  });
  const { reconnect, delays } = instantReconnect();

  const { events, outcome } = await collectEvents(connect('https://api.test/events', { fetch, reconnect }));

  expect(events.map((event) => event.data)).toEqual(['one', 'two', 'three']);
  expect(fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, '2', '3']);
  expect(fetch.problems).toEqual([]);
  expect(delays).toEqual([1000, 1000]); // what it would have waited, skipped
  expect(outcome?.type).toBe('ended'); // the third request got the default 204
});
