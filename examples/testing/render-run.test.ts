// @vitest-environment happy-dom
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A component test: a function that renders a run's events into a DOM node, fed by a script
 * instead of a server. In a (simulated) page, a client with an apiKey needs
 * `dangerouslyAllowBrowser: true`.
 */
import { expect, it } from 'vitest';
import { Crewship, type EventStream, type CrewshipEventMap } from 'runstream';
import { collectEvents, scriptedFetch } from 'runstream/testing';

/** The code under test: one `<li>` per agent step, the status in `data-status`. */
export async function renderRun(stream: EventStream<CrewshipEventMap>, list: HTMLElement): Promise<void> {
  for await (const event of stream) {
    if (event.type === 'agent.started') list.insertAdjacentHTML('beforeend', `<li>${event.data.agent}: ${event.data.task}</li>`);
    if (event.type === 'run.completed' || event.type === 'run.failed') list.dataset.status = event.type;
  }
}

it('renders each agent and the final status', async () => {
  const fetch = scriptedFetch([
    { event: 'run.started', id: 'evt_1', data: { run_id: 'run_1', started_at: '2024-01-15T10:30:00Z' } },
    { event: 'agent.started', id: 'evt_2', data: { agent: 'Researcher', task: 'Research AI trends' } },
    { event: 'agent.started', id: 'evt_3', data: { agent: 'Writer', task: 'Write the report' } },
    { event: 'run.completed', id: 'evt_4', data: { run_id: 'run_1', duration_ms: 1200 } },
  ]);
  const client = new Crewship({ apiKey: 'test', dangerouslyAllowBrowser: true, fetch });
  const list = document.createElement('ul');

  await renderRun(client.runs.stream('run_1'), list);

  expect([...list.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['Researcher: Research AI trends', 'Writer: Write the report']);
  expect(list.dataset.status).toBe('run.completed');
  // Bounded in time, with the outcome, for streams that might not end:
  const { outcome } = await collectEvents(client.runs.stream('run_1'), { timeout: 1000 });
  expect(outcome?.type).toBe('ended'); // the script has one connection: the next request got 204
});
