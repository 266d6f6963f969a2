/**
 * One definition per platform: for every story of every platform, the reference server (over a
 * real socket on 127.0.0.1) and `scriptedFetch(platformScripts())` deliver the same events (type,
 * data, id, in order) to the SDK's client, and end the same way. The only values that may
 * differ are the ones the server makes live, each checked for its documented form first: the
 * skills engine's per-execution trace id and send-time timestamps, the stax run object's times.
 */
import { PLATFORMS as DEFINITIONS } from '../../src/platforms/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AGUI, Runstream, type AGUIRunAgentInput, type ClientOptions, type EventStream, type StreamEvent } from '../../src/index.js';
import { aguiStories } from '../../src/platforms/agui/stories.js';
import { crewshipStories } from '../../src/platforms/crewship/stories.js';
import { flowmaestroStories } from '../../src/platforms/flowmaestro/stories.js';
import { praisonaiStories } from '../../src/platforms/praisonai/stories.js';
import { skillsStories } from '../../src/platforms/skills/stories.js';
import { STORY_RUN_ID, staxStories, type StaxWorkflow } from '../../src/platforms/stax/stories.js';
import type { Story } from '../../src/testing/kit/story.js';
import { collectEvents, instantReconnect, platformScripts, scriptedFetch, startReferenceServer, type Collected, type ReferenceServer } from '../../src/testing/index.js';
import { shape } from './support.js';

type AnyStream = AsyncIterable<StreamEvent> & Pick<EventStream, 'outcome' | 'close'>;

/** How a platform's resource opens a story's stream, and what a live value looks like. */
interface Platform {
  name: string;
  stories: readonly Story[];
  open(client: Runstream, story: Story, options: ClientOptions): AnyStream;
}

const PLATFORMS: Platform[] = [
  { name: 'crewship', stories: crewshipStories, open: (client, story) => client.runs.stream(story.name) },
  { name: 'flowmaestro', stories: flowmaestroStories, open: (client, story) => client.executions.stream(story.name) },
  { name: 'praisonai', stories: praisonaiStories, open: (client, story) => client.jobs.stream(story.name) },
  { name: 'skills', stories: skillsStories, open: (client, story) => client.skills.start(story.name, story.body as { inputs: Record<string, unknown> }) },
  // The bus never ends: read as many events as the story has (its `ping` is a keepalive).
  { name: 'stax', stories: staxStories, open: (client) => client.runner.events() },
  // Each AG-UI story is an agent at its own URL: the AGUI client's base URL.
  { name: 'agui', stories: aguiStories, open: (_client, story, options) => new AGUI({ ...options, baseUrl: `${options.baseUrl}/agui/${story.name}` }).runs.start(story.body as AGUIRunAgentInput) },
];

/** Every platform's keepalive events, from the definitions (`ping`, `heartbeat`). */
const KEEPALIVES: readonly string[] = Object.values(DEFINITIONS).flatMap((definition) => definition.keepalive);

/** Events a story delivers: its SSE blocks with data, keepalive events left out. */
function eventCount(story: Story): number {
  return (story.connection.steps ?? []).filter((step) => 'data' in step && step.data !== undefined && !KEEPALIVES.includes((step as { event?: string }).event ?? '')).length;
}

const ENGINE_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TIME_KEYS = new Set(['createdAt', 'startedAt', 'completedAt']);

/**
 * The events with each live value that has its documented form replaced by a marker: the
 * engine's `timestamp`, the execution's one trace id, the stax times. A value of another form
 * stays, and fails the comparison.
 */
function settled(platform: string, events: readonly StreamEvent[]): ReturnType<typeof shape> {
  const traces = new Set<unknown>();
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, walk(item, name)]));
    if (typeof value !== 'string') return value;
    if (platform === 'skills' && key === 'timestamp' && ENGINE_TIMESTAMP.test(value)) return '<engine timestamp>';
    if (platform === 'skills' && key === 'trace_id' && UUID.test(value)) {
      traces.add(value);
      return '<trace id>';
    }
    if (platform === 'stax' && key !== undefined && TIME_KEYS.has(key) && ISO_MS.test(value)) return '<time>';
    return value;
  };
  const shaped = shape(events).map(({ type, data, id }) => ({ type, data: walk(data), id }));
  // One execution, one trace id on every event.
  expect(traces.size).toBeLessThanOrEqual(1);
  return shaped;
}

/** What the comparison keeps of how a stream ended. */
function ending(collected: Collected<StreamEvent>): { outcome: string | undefined; error: string | undefined; timedOut: boolean } {
  const error = collected.error as (Error & { code?: string }) | undefined;
  return { outcome: collected.outcome?.type, error: error && `${error.name}${error.code ? ` ${error.code}` : ''}`, timedOut: collected.timedOut };
}

/** Resolves once the server has an open bus subscriber; bounded. */
async function subscribed(server: ReferenceServer): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (server.streams.some((stream) => stream.path === '/api/events' && stream.state === 'open')) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('the bus subscription did not open within 1000 ms');
}

let server: ReferenceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function read(platform: Platform, story: Story, options: ClientOptions, start?: () => Promise<void>): Promise<Collected<StreamEvent>> {
  const stream = platform.open(new Runstream(options), story, options);
  const bus = platform.name === 'stax';
  const collecting = collectEvents(stream, { timeout: 5000, ...(bus ? { maxEvents: eventCount(story) } : {}) });
  await start?.();
  return collecting;
}

describe.each(PLATFORMS)('$name: the reference server and scriptedFetch(platformScripts()) agree', (platform) => {
  it.each(platform.stories.map((story) => ({ story, name: story.name })))('story $name', async ({ story }) => {
    const { reconnect } = instantReconnect({ maxAttempts: 2 });
    const workflow = platform.name === 'stax' ? (story.name as StaxWorkflow) : undefined;

    const kit = await read(platform, story, { baseUrl: 'https://api.test', apiKey: 'test-key', fetch: scriptedFetch(platformScripts({ staxWorkflow: workflow })), reconnect });

    server = await startReferenceServer({ eventDelay: 1 });
    const live = server;
    const onServer = await read(platform, story, { baseUrl: live.url, apiKey: 'test-key', reconnect }, workflow && (async () => {
      await subscribed(live);
      live.staxStartRun({ id: STORY_RUN_ID, workflow });
    }));

    expect(settled(platform.name, onServer.events)).toEqual(settled(platform.name, kit.events));
    expect(ending(onServer)).toEqual(ending(kit));
    // Every block with data arrived (the bus: up to its run.completed), and the run ended as the story says.
    expect(kit.events.filter((event) => event.type !== 'resync' && event.type !== 'gap')).toHaveLength(eventCount(story) - (story.connection.steps?.some((step) => 'data' in step && step.data === '[DONE]') ? 1 : 0));
    if (workflow) {
      const last = kit.events.at(-1)!;
      expect(last.type).toBe('run.completed');
      expect({ completed: 'completed', failed: 'failed', cancelled: 'cancelled' }[(last.data as { run: { status: string } }).run.status]).toBe(story.outcome);
    } else {
      expect(kit.outcome?.type).toBe(story.outcome);
    }
  });
});
