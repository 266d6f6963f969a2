// Type fixture (ESM consumer): compiled by scripts/check-types.mjs against the packed package under
// moduleResolution node16 and nodenext. Each @ts-expect-error fails the build if a type is `any`.
import { connect, HTTPError, Runstream, StreamError, type EventOf, type CrewshipEventMap } from 'runstream';
import { startReferenceServer } from 'runstream/testing';

export async function consume(): Promise<string[]> {
  const server = await startReferenceServer();
  const client = new Runstream({ baseUrl: server.url, apiKey: 'test-key' });
  const seen: string[] = [];
  try {
    for await (const event of client.runs.stream('run_abc123')) {
      if (event.type === 'agent.started') seen.push(event.data.agent);
      // @ts-expect-error run.started carries run_id, a string
      if (event.type === 'run.started') seen.push(event.data.run_id * 2);
    }
  } catch (error) {
    if (error instanceof HTTPError) seen.push(String(error.status));
    if (error instanceof StreamError) seen.push(error.code);
  } finally {
    await server.close();
  }
  const ticks = connect<{ tick: { n: number } }>('http://127.0.0.1:1/events', { json: true });
  ticks.addEventListener('tick', (event) => seen.push(event.data.n.toFixed(0)));
  return seen;
}

/** The type names a run's events can carry. */
export function describe(event: EventOf<CrewshipEventMap>): string {
  return `${event.type} ${event.id}`;
}
