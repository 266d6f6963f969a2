/**
 * Crewship's `RunProgress` component ("Building a Live UI"), with runstream/react: a status
 * badge, a progress bar and the event list, fed by the relay in ../server.ts. The page holds no
 * key: the relay adds it on the server. The stored progress (`persist`) lets a reload resume
 * with `Last-Event-ID` where it stopped.
 */
import { Crewship, type StreamOutcome } from 'runstream';
import { useEventStream, type EventStreamStatus } from 'runstream/react';
// The browser example's view of a run: one line per event, the agents' progress.
import { describe, progress, text, type RunEvent } from '../../browser/src/run-view.js';

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

