/**
 * How the examples show a Crewship run: one line per event, as the Crewship CLI prints a run, and
 * the progress of its agents' tasks. Shared by the browser example and the React example.
 */
import type { EventOf, CrewshipEventMap } from 'runstream';

/** One event of a Crewship run; narrowing on `type` narrows `data`. */
export type RunEvent = EventOf<CrewshipEventMap>;

/** A value as short text: strings as they are, anything else as JSON, cut at `max` characters. */
export function text(value: unknown, max = 90): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** One line per event, as the Crewship CLI prints a run. */
export function describe(event: RunEvent): string {
  switch (event.type) {
    case 'run.started':
      return `Run started: ${event.data.run_id}`;
    case 'log':
      return `${event.data.level}: ${event.data.message}`;
    case 'agent.started':
      return `${event.data.agent} agent starting task: ${event.data.task}`;
    case 'agent.completed':
      return `${event.data.agent} agent completed task: ${text(event.data.output)}`;
    case 'agent.error':
      return `${event.data.agent} agent failed: ${event.data.error}`;
    case 'tool.called':
      return `Tool: ${event.data.tool}(${text(event.data.input)})`;
    case 'tool.result':
      return `${event.data.tool} returned ${text(event.data.output)}`;
    case 'tool.error':
      return `${event.data.tool} failed: ${event.data.error}`;
    case 'artifact':
      return `Artifact: ${event.data.name} (${event.data.size.toLocaleString('en')} bytes, ${event.data.content_type})`;
    case 'run.completed':
      return `Run completed in ${(event.data.duration_ms / 1000).toFixed(1)}s`;
    case 'run.failed':
      return `Run failed: ${event.data.error}`;
    case 'run.canceled':
      return `Run canceled at ${event.data.canceled_at}`;
    default:
      return text(event.data);
  }
}

/** Progress from the agents' tasks: done / started, full once the run ends. */
export function progress(events: readonly RunEvent[]): { fraction: number; label: string } {
  const started = events.filter((event) => event.type === 'agent.started').length;
  const done = events.filter((event) => event.type === 'agent.completed').length;
  const last = events.at(-1);
  if (last?.type === 'run.completed') return { fraction: 1, label: `All ${done} agent tasks done` };
  if (started === 0) return { fraction: events.length ? 0.05 : 0, label: events.length ? 'Run started, no agent yet' : 'Waiting for the first event…' };
  // An unfinished task counts half: the bar moves when an agent starts, not only when it ends.
  const fraction = Math.min(0.95, (done + (started - done) / 2) / (started + 1));
  if (last?.type === 'run.failed' || last?.type === 'run.canceled') return { fraction, label: `Stopped after ${done} of ${started} agent tasks` };
  return { fraction, label: `${done} of ${started} agent tasks done` };
}
