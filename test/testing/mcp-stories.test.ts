// The reference server plays MCP's stories: each ends as the story says, with the request's id
// and progress token; the cut story's POST stream ends early and the GET resume replays the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP } from '../../src/index.js';
import { mcpStories, storyVersion } from '../../src/platforms/mcp/stories.js';
import { instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', eventDelay: 0 });
});
afterAll(() => server.close());

const client = (name: string) => new MCP({ baseUrl: `${server.url}/mcp/${name}`, protocolVersion: storyVersion(name), reconnect: instantReconnect({ maxAttempts: 2 }).reconnect });

describe('MCP stories on the reference server', () => {
  it.each(mcpStories.map((story) => [story.name, story] as const))('%s ends as its story says', async (name, story) => {
    const stream = client(name).tools.call('report', { days: 7 });
    const outcome = await stream.finished.then(
      (value) => value,
      () => stream.outcome,
    );
    expect(outcome?.type).toBe(story.outcome);
    expect(outcome?.event?.data).toMatchObject({ id: 1 });
  });

  it('cut: the POST stream ends after two events, the GET with Last-Event-ID replays the rest', async () => {
    const before = server.requests.length;
    const events = [];
    for await (const event of client('cut').tools.call('report', {}, { progressToken: 'p-7' })) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['notifications/progress', 'notifications/message', 'notifications/progress', 'notifications/progress', 'result']);
    expect(events[0]!.data).toMatchObject({ progressToken: 'p-7' });
    const requests = server.requests.slice(before);
    expect(requests.map((request) => request.method)).toEqual(['POST', 'GET']);
    expect(requests[1]!.headers['last-event-id']).toBe('cut_002');
  });

  it('initialize answers application/json, without a session', async () => {
    const mcp = client('report');
    await expect(mcp.initialize()).resolves.toMatchObject({ protocolVersion: '2025-11-25' });
    expect(mcp.sessionId).toBeUndefined();
  });
});
