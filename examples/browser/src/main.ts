/**
 * A live view of one Crewship run, streamed with runstream in the browser: a status badge, a
 * progress bar and the event list, as the React `RunProgress` component in Crewship's streaming
 * guide, but with a `fetch`-based stream that can send the `Authorization` header EventSource
 * cannot, and that resumes with `Last-Event-ID` after a drop.
 *
 * Query parameters: `server` (default http://127.0.0.1:4800, where
 * `npm run serve` starts the reference server), `run` (default run_abc123; try
 * run_failed), `key` (default test-key, the reference server's).
 */
import { HTTPError, Runstream, StreamError } from 'runstream';
import { describe, progress, text, type RunEvent } from './run-view.js';
import './style.css';
type Status = 'connecting' | 'running' | 'reconnecting' | 'completed' | 'failed' | 'canceled' | 'error';

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? 'http://127.0.0.1:4800';
const runId = params.get('run') ?? 'run_abc123';
const apiKey = params.get('key') ?? 'test-key';

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}

const ui = {
  runId: element('run-id'),
  server: element('server'),
  status: element('status'),
  fill: element('progress-fill'),
  progress: element('progress-text'),
  count: element('event-count'),
  lastEventId: element('last-event-id'),
  reconnects: element('reconnects'),
  elapsed: element('elapsed'),
  events: element<HTMLOListElement>('events'),
  result: element<HTMLParagraphElement>('result'),
  again: element<HTMLButtonElement>('again'),
};
ui.runId.textContent = runId;
ui.server.textContent = server;

function setStatus(status: Status): void {
  ui.status.dataset.status = status;
  ui.status.textContent = status;
}

function render(events: readonly RunEvent[], event: RunEvent, started: number): void {
  const item = document.createElement('li');
  item.dataset.type = event.type;
  const time = document.createElement('time');
  time.textContent = `+${((performance.now() - started) / 1000).toFixed(2)}s`;
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = event.type;
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent = describe(event);
  const id = document.createElement('code');
  id.className = 'id';
  id.textContent = event.id;
  item.append(time, type, message, id);
  ui.events.append(item);
  item.scrollIntoView({ block: 'nearest' });

  const { fraction, label } = progress(events);
  ui.fill.style.width = `${Math.round(fraction * 100)}%`;
  ui.fill.parentElement?.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  ui.progress.textContent = label;
  ui.count.textContent = String(events.length);
  ui.lastEventId.textContent = event.id || '—';
}

async function watch(): Promise<void> {
  ui.events.replaceChildren();
  ui.result.hidden = true;
  ui.again.hidden = true;
  ui.fill.style.width = '0%';
  ui.count.textContent = '0';
  ui.reconnects.textContent = '0';
  ui.lastEventId.textContent = '—';
  setStatus('connecting');

  const started = performance.now();
  const clock = setInterval(() => (ui.elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`), 100);
  // The reference server's test key is public; a real platform key never belongs in a page.
  const client = new Runstream({ baseUrl: server, apiKey, dangerouslyAllowBrowser: true });
  const events: RunEvent[] = [];
  let reconnects = 0;
  try {
    const stream = client.runs.stream(runId, {
      onOpen: () => setStatus('running'),
      onReconnect: ({ attempt, delay }) => {
        ui.reconnects.textContent = String(++reconnects);
        setStatus('reconnecting');
        ui.progress.textContent = `Connection lost: reconnect #${attempt} in ${delay} ms with Last-Event-ID ${stream.lastEventId || '(none)'}`;
      },
    });
    for await (const event of stream) {
      events.push(event);
      render(events, event, started);
      if (event.type === 'run.completed') setStatus('completed');
      else if (event.type === 'run.failed') setStatus('failed');
      else if (event.type === 'run.canceled') setStatus('canceled');
    }
    const last = events.at(-1);
    ui.result.textContent =
      last?.type === 'run.completed'
        ? `Result: ${text(last.data.result, 200)}`
        : last?.type === 'run.failed'
          ? `Error: ${last.data.error}`
          : `The stream ended after ${events.length} events.`;
    ui.result.hidden = false;
  } catch (error) {
    setStatus('error');
    const hint =
      error instanceof HTTPError
        ? `HTTP ${error.status} from the server (request ${error.requestId ?? 'without id'}).`
        : error instanceof StreamError
          ? `${error.code}: ${error.message}`
          : `${error instanceof Error ? error.message : String(error)}. Is the reference server running at ${server}? (npm run serve)`;
    ui.result.textContent = hint;
    ui.result.hidden = false;
  } finally {
    clearInterval(clock);
    ui.elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    ui.again.hidden = false;
  }
}

ui.again.addEventListener('click', () => void watch());
void watch();
