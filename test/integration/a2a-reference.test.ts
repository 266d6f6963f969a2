// A2A's stories on the reference server (`runstream serve`, `startReferenceServer()`), read by the
// A2A client over both bindings: each ends as its story says, the cut one re-subscribes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2A, a2aErrorOf, artifactText } from '../../src/index.js';
import { a2aStories } from '../../src/platforms/a2a/stories.js';
import { collectEvents, instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', eventDelay: 0 });
});
afterAll(() => server.close());

function agent(): A2A {
  return new A2A({ baseUrl: `${server.url}/a2a`, reconnect: instantReconnect({ maxAttempts: 2 }).reconnect });
}


describe.each(['jsonrpc', 'rest'] as const)('A2A stories on the reference server over %s', (binding) => {
  it.each(a2aStories.map((story) => [story.name, story] as const))('%s ends as its story says', async (_, story) => {
    const stream = agent().tasks.stream(`please ${story.trigger}`, { binding });
    const { events, error } = await collectEvents(stream);
    expect(stream.outcome?.type).toBe(story.outcome);
    if (story.error) {
      expect(events.at(-1)?.type).toBe('error');
      expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event' });
      expect(a2aErrorOf(error)).toMatchObject({ code: binding === 'rest' ? story.error.httpStatus : story.error.code, reasons: [story.error.reason] });
    } else {
      expect(error).toBeUndefined();
    }
    if (story.cut) {
      const resync = events.find((event) => event.type === 'resync');
      expect(resync?.type === 'resync' && artifactText(resync.data.task.status.message)).toBe('step 2');
      expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate', 'resync', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    }
  });

  it('a request without A2A-Version 1.0 is refused as version 0.3', async () => {
    const { error } = await collectEvents(agent().tasks.stream('hello', { binding, headers: { 'A2A-Version': '0.3' } }));
    expect(a2aErrorOf(error)).toMatchObject({ reasons: ['VERSION_NOT_SUPPORTED'], code: binding === 'rest' ? 400 : -32009 });
  });

  it('subscribing to a finished task reads nothing more: -32004 (or HTTP 400) UNSUPPORTED_OPERATION; an unknown task -32001 (404)', async () => {
    const finished = await collectEvents(agent().tasks.subscribe('task_completed', { binding }));
    expect(a2aErrorOf(finished.error)?.reasons).toEqual(['UNSUPPORTED_OPERATION']);
    const unknown = await collectEvents(agent().tasks.subscribe('task_nope', { binding }));
    expect(a2aErrorOf(unknown.error)).toMatchObject({ code: binding === 'rest' ? 404 : -32001, reasons: ['TASK_NOT_FOUND'] });
  });
});
