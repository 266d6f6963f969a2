/**
 * A backend reaction test: code that pages someone when a run fails, fed by the ready
 * platform scripts (`run_failed` ends with `run.failed`).
 */
import { expect, it, vi } from 'vitest';
import { Crewship } from 'runstream';
import { platformScripts, scriptedFetch } from 'runstream/testing';

/** The code under test: follows a run and calls `alert` with the failure message. */
export async function watchRun(client: Crewship, runId: string, alert: (message: string) => void): Promise<void> {
  const stream = client.runs.stream(runId);
  for await (const event of stream) {
    if (event.type === 'run.failed') alert(`${runId} failed: ${event.data.error}`);
  }
}

it('alerts once when the run fails', async () => {
  const client = new Crewship({ apiKey: 'test', fetch: scriptedFetch(platformScripts({ platforms: ['crewship'] })) });
  const alert = vi.fn();

  await watchRun(client, 'run_failed', alert);

  expect(alert).toHaveBeenCalledTimes(1);
  expect(alert).toHaveBeenCalledWith('run_failed failed: Agent Researcher failed: Tool web_search failed 3 times');
});

it('does not alert for a run that completes', async () => {
  const client = new Crewship({ apiKey: 'test', fetch: scriptedFetch(platformScripts({ platforms: ['crewship'] })) });
  const alert = vi.fn();
  await watchRun(client, 'run_abc123', alert);
  expect(alert).not.toHaveBeenCalled();
});
