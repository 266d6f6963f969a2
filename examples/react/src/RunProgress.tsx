/**
 * Crewship's `RunProgress` component ("Building a Live UI"), with runstream/react: a status
 * badge, a progress bar and the event list, fed by the relay in ../server.ts. The page holds no
 * key: the relay adds it on the server. The stored progress (`persist`) lets a reload resume
 * with `Last-Event-ID` where it stopped.
 */
import { Crewship, type EventOf, type RunEventMap, type StreamOutcome } from 'runstream';
import { useEventStream, type EventStreamStatus } from 'runstream/react';

type RunEvent = EventOf<RunEventMap>;

// The relay answers the platform's own route under /relay/crewship, so the page uses the
// Crewship resource (typed events, terminal events, outcomes, resumption) without a key.
const crewship = new Crewship({ baseUrl: new URL('/relay/crewship', location.href).href });

/** Where the progress of `runId` is stored, for the reload to resume. */
export function storageKey(runId: string): string {
  return `runstream-example:${runId}`;
}

/** Streams the factory made: two per mount under StrictMode in development, one request. */
let made = 0;

export function RunProgress({ runId }: { runId: string }) {
  const { status, events, outcome, error, lastEventId } = useEventStream(
    ({ lastEventId }) => {
      document.documentElement.dataset.streamsMade = String(++made);
      // The restored id goes out as Last-Event-ID: the relay passes it on, and nothing else.
      return crewship.runs.stream(runId, { lastEventId });
    },
    [runId],
    { persist: { key: storageKey(runId) } },
  );
  const badge = badgeOf(status, outcome, events.length);
  const { fraction, label } = progress(events);
  const percent = Math.round(fraction * 100);
  const last = events.at(-1);

  return (
    <section>
      <header>
        <div>
          <h1>
            Crewship run <code id="run-id">{runId}</code>
          </h1>
          <p className="muted">
            Streaming through the relay at <code>/relay/crewship</code> with <code>runstream/react</code>
          </p>
        </div>
        <StatusBadge status={badge} />
      </header>

      <section className="progress" aria-label="progress">
        <div className="bar" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
          <div id="progress-fill" className="fill" style={{ width: `${percent}%` }} />
        </div>
        <p id="progress-text" className="muted">
          {label}
        </p>
      </section>

      <dl className="facts">
        <div>
          <dt>Events</dt>
          <dd id="event-count">{events.length}</dd>
        </div>
        <div>
          <dt>Last-Event-ID</dt>
          <dd id="last-event-id">{lastEventId || '—'}</dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd id="ready-state">{status}</dd>
        </div>
        <div>
          <dt>Outcome</dt>
          <dd id="outcome">{outcome?.type ?? '—'}</dd>
        </div>
      </dl>

      <EventList events={events} />

      {outcome && (
        <p id="result" className="result">
          {last?.type === 'run.completed'
            ? `Result: ${text(last.data.result, 200)}`
            : last?.type === 'run.failed'
              ? `Error: ${last.data.error}`
              : error
                ? `${error.name}: ${error.message}`
                : `The stream ended (${outcome.type}) after ${events.length} events.`}
        </p>
      )}
    </section>
  );
}

type Badge = 'connecting' | 'running' | 'reconnecting' | 'completed' | 'failed' | 'canceled' | 'closed' | 'error';

/** The badge: the platform's outcome once there is one, else the connection state. */
function badgeOf(status: EventStreamStatus, outcome: StreamOutcome | undefined, seen: number): Badge {
  switch (outcome?.type) {
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'canceled';
    case 'error':
      return 'error';
    case 'closed':
    case 'ended':
      return 'closed';
  }
  if (status === 'open') return 'running';
  return seen > 0 ? 'reconnecting' : 'connecting';
}

function StatusBadge({ status }: { status: Badge }) {
  return (
    <span id="status" className="badge" data-status={status}>
      {status}
    </span>
  );
}

function EventList({ events }: { events: readonly RunEvent[] }) {
  return (
    <ol id="events" className="events" aria-live="polite">
      {events.map((event, index) => (
        <li key={`${event.id}:${index}`} data-type={event.type} data-id={event.id}>
          <span className="type">{event.type}</span>
          <span className="message">{describe(event)}</span>
          <code className="id">{event.id}</code>
        </li>
      ))}
    </ol>
  );
}

function text(value: unknown, max = 90): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** One line per event, as the Crewship CLI prints a run. Narrowing on `type` narrows `data`. */
function describe(event: RunEvent): string {
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

/** Progress from the agents' tasks: done / started, full once the run completed. */
function progress(events: readonly RunEvent[]): { fraction: number; label: string } {
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
