/**
 * One definition per platform: for every story of every platform, the reference server (over a
 * real socket on 127.0.0.1) and `scriptedFetch(platformScripts())` deliver the same events (type,
 * data, id, in order) to the SDK's client, and end the same way. The only values that may
 * differ are the ones the server makes live, each checked for its documented form first: the
 * skills engine's per-execution trace id and send-time timestamps, the stax run object's times.
 */
import { PLATFORMS as DEFINITIONS } from '../../src/platforms/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { A2A, AGUI, AnthropicMessages, MCP, OpenAIResponses, Runstream, type AGUIRunAgentInput, type AnthropicMessageCreateParams, type OpenAIResponseCreateParams, type ClientOptions, type EventStream, type StreamEvent } from '../../src/index.js';
import { aguiStories } from '../../src/platforms/agui/stories.js';
import { mcpStories, storyVersion } from '../../src/platforms/mcp/stories.js';
import { a2aKitStories, anthropicKitStories, mcpKitStories, openaiKitStories } from '../../src/testing/kit/platforms.js';
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
  /** `where`: the kit gives each story a path of its own where the server picks it by the body. */
  open(client: Runstream, story: Story, options: ClientOptions, where: 'kit' | 'server'): AnyStream;
  /** Events the story delivers, when its script is not the whole stream (a cut that resumes). */
  events?(story: Story): number;
}

/** The text of an A2A story's message: what picks it on the server. */
const a2aText = (story: Story): string => (story.body as { params: { message: { parts: { text: string }[] } } }).params.message.parts[0]!.text;


const PLATFORMS: Platform[] = [
  { name: 'crewship', stories: crewshipStories, open: (client, story) => client.runs.stream(story.name) },
  { name: 'flowmaestro', stories: flowmaestroStories, open: (client, story) => client.executions.stream(story.name) },
  { name: 'praisonai', stories: praisonaiStories, open: (client, story) => client.jobs.stream(story.name) },
  { name: 'skills', stories: skillsStories, open: (client, story) => client.skills.start(story.name, story.body as { inputs: Record<string, unknown> }) },
  // The bus never ends: read as many events as the story has (its `ping` is a keepalive).
  { name: 'stax', stories: staxStories, open: (client) => client.runner.events() },
  // Each AG-UI story is an agent at its own URL: the AGUI client's base URL.
  { name: 'agui', stories: aguiStories, open: (_client, story, options) => new AGUI({ ...options, baseUrl: `${options.baseUrl}/agui/${story.name}` }).runs.start(story.body as AGUIRunAgentInput) },
  // The server's one JSON-RPC endpoint picks the task by the message's text; the kit's, by its path.
  {
    name: 'a2a',
    stories: a2aKitStories(),
    open: (_client, story, options, where) => new A2A({ ...options, baseUrl: `${options.baseUrl}/a2a${where === 'kit' ? `/${story.name}` : ''}` }).tasks.stream(a2aText(story)),
  },
  {
    name: 'mcp',
    stories: mcpKitStories(),
    open: (_client, story, options) => new MCP({ ...options, baseUrl: `${options.baseUrl}/mcp/${story.name}`, protocolVersion: storyVersion(story.name) }).tools.call('report', { days: 7 }),
    // The cut story's POST script stops early; the GET resume delivers the rest.
    events: (story) => eventCount(mcpStories.find((item) => item.name === story.name)! as Story),
  },
  {
    name: 'openai',
    stories: openaiKitStories(),
    open: (_client, story, options, where) => new OpenAIResponses({ ...options, baseUrl: `${options.baseUrl}${where === 'kit' ? `/openai/${story.name}` : ''}` }).responses.stream(story.body as OpenAIResponseCreateParams),
    // The stream ends at the first terminal event: `failed` sends `error`, then `response.failed`.
    events: (story) => {
      const types = (story.connection.steps ?? []).map((step) => (step as { event?: string }).event);
      const first = types.findIndex((type) => type === 'error' || /^response\.(completed|failed|incomplete)$/.test(type ?? ''));
      return first === -1 ? eventCount(story) : first + 1;
    },
  },
  {
    name: 'anthropic',
    stories: anthropicKitStories(),
    open: (_client, story, options, where) => new AnthropicMessages({ ...options, baseUrl: `${options.baseUrl}${where === 'kit' ? `/anthropic/${story.name}` : ''}` }).messages.stream(story.body as AnthropicMessageCreateParams),
  },
];

/** Every platform's keepalive events, from the definitions (`ping`, `heartbeat`). */
const KEEPALIVES: readonly string[] = Object.values(DEFINITIONS).flatMap((definition) => definition.keepalive);

/** Events a story delivers: its SSE blocks with data, keepalive and empty (priming) events left out. */
function eventCount(story: Story): number {
  return (story.connection.steps ?? []).filter((step) => 'data' in step && step.data !== undefined && step.data !== '' && !KEEPALIVES.includes((step as { event?: string }).event ?? '')).length;
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

async function read(platform: Platform, story: Story, options: ClientOptions, where: 'kit' | 'server', start?: () => Promise<void>): Promise<Collected<StreamEvent>> {
  const stream = platform.open(new Runstream(options), story, options, where);
  const bus = platform.name === 'stax';
  const collecting = collectEvents(stream, { timeout: 5000, ...(bus ? { maxEvents: eventCount(story) } : {}) });
  await start?.();
  return collecting;
}

describe.each(PLATFORMS)('$name: the reference server and scriptedFetch(platformScripts()) agree', (platform) => {
  it.each(platform.stories.map((story) => ({ story, name: story.name })))('story $name', async ({ story }) => {
    const { reconnect } = instantReconnect({ maxAttempts: 2 });
    const workflow = platform.name === 'stax' ? (story.name as StaxWorkflow) : undefined;

    const kit = await read(platform, story, { baseUrl: 'https://api.test', apiKey: 'test-key', fetch: scriptedFetch(platformScripts({ staxWorkflow: workflow })), reconnect }, 'kit');

    server = await startReferenceServer({ eventDelay: 1 });
    const live = server;
    const onServer = await read(platform, story, { baseUrl: live.url, apiKey: 'test-key', reconnect }, 'server', workflow && (async () => {
      await subscribed(live);
      live.staxStartRun({ id: STORY_RUN_ID, workflow });
    }));

    expect(settled(platform.name, onServer.events)).toEqual(settled(platform.name, kit.events));
    expect(ending(onServer)).toEqual(ending(kit));
    // Every block with data arrived (the bus: up to its run.completed), and the run ended as the story says.
    expect(kit.events.filter((event) => event.type !== 'resync' && event.type !== 'gap')).toHaveLength((platform.events?.(story) ?? eventCount(story)) - (story.connection.steps?.some((step) => 'data' in step && step.data === '[DONE]') ? 1 : 0));
    if (workflow) {
      const last = kit.events.at(-1)!;
      expect(last.type).toBe('run.completed');
      expect({ completed: 'completed', failed: 'failed', cancelled: 'cancelled' }[(last.data as { run: { status: string } }).run.status]).toBe(story.outcome);
    } else {
      expect(kit.outcome?.type).toBe(story.outcome);
    }
  });
});
