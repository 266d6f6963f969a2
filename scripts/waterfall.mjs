// `npm run docs:waterfall` (after `npm run build`): draws docs/observability-waterfall.svg, the
// trace of one stream that reconnects twice, and prints that stream's debug log to stdout.
//
// The stream is a script played by the reference server (dist/testing): connection 1 sends
// three events and is cut in the middle of a fourth (ConnectionError; runstream waits the
// initialDelay, 200 ms); connection 2 resumes after evt_3, sets `retry: 300`, sends three more
// and ends (the server closed it; runstream waits the server's 300 ms); the third request gets
// 204 No Content, which ends the stream. instrument({ tracerProvider }) records the spans into
// an InMemorySpanExporter; the SVG is drawn from them by hand (plain strings, no dependency).
// Timings differ by a few ms from run to run, so a regenerated SVG differs in those figures.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import console from 'node:console';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'docs/observability-waterfall.svg');
const load = (path) => import(pathToFileURL(resolve(ROOT, path)).href);
if (!existsSync(resolve(ROOT, 'dist/otel/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
const { connect, debugStream } = await load('dist/index.js');
const { startReferenceServer } = await load('dist/testing/index.js');
const { instrument } = await load('dist/otel/index.js');

// ---- the stream ----------------------------------------------------------------------------

const event = (n, type) => ({ event: type, id: `evt_${n}`, data: { seq: n } });
const server = await startReferenceServer({ host: '127.0.0.1' });
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
try {
  server.play('GET /runs/run_1/events', {
    connections: [
      { steps: [event(1, 'run.started'), { wait: 60 }, event(2, 'message.delta'), { wait: 60 }, event(3, 'message.delta'), { wait: 60 }, { cut: 'mid-event' }, event(4, 'message.delta')] },
      { expectLastEventId: 'evt_3', steps: [{ retry: 300 }, event(4, 'message.delta'), { wait: 60 }, event(5, 'message.delta'), { wait: 60 }, event(6, 'run.completed')] },
    ],
    afterLast: 'no-content',
  });
  const stream = connect(`${server.url}/runs/run_1/events`, {
    json: true,
    reconnect: { initialDelay: 200, maxDelay: 400, jitter: 0 },
    use: [instrument({ tracerProvider })],
    observe: debugStream((line) => console.log(line)),
  });
  let events = 0;
  for await (const _ of stream) events++;
  if (events !== 6) throw new Error(`expected 6 events, got ${events}`);
} finally {
  await server.close();
}
await tracerProvider.forceFlush();
const spans = exporter.getFinishedSpans();

// ---- the picture ---------------------------------------------------------------------------

const ms = (time) => time[0] * 1e3 + time[1] / 1e6;
const root = spans.find((span) => span.name === 'runstream.stream');
if (!root) throw new Error('no runstream.stream span');
const attempts = spans.filter((span) => span !== root).sort((a, b) => ms(a.startTime) - ms(b.startTime));
const t0 = ms(root.startTime);
const total = ms(root.endTime) - t0;

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const round = (x) => Math.round(x * 10) / 10;

const WIDTH = 1000;
const LABEL = 380; // label column
const PAD = 20;
const CHART = WIDTH - LABEL - PAD * 3; // px for the time axis
const ROW = 58;
const TOP = 78; // first row
const step = [50, 100, 200, 250, 500, 1000, 2000].find((s) => total / s <= 8) ?? 5000;
const scale = CHART / (Math.ceil(total / step) * step);
const x = (t) => round(LABEL + PAD + (t - t0) * scale);

const COLORS = { stream: '#3b6fd8', ok: '#2f9e5b', error: '#d1453b', wait: '#c98a00', text: '#1f2328', muted: '#59636e', grid: '#d8dee4' };
const rows = [root, ...attempts];
const HEIGHT = TOP + rows.length * ROW + 60 + 20 * root.events.length;
const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`);
out.push(`<title>Trace of a runstream stream that reconnected twice: one stream span, three HTTP attempt spans, two runstream.reconnect events</title>`);
out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" rx="8" fill="#ffffff" stroke="${COLORS.grid}"/>`);
out.push(`<text x="${PAD}" y="28" font-size="15" font-weight="bold" fill="${COLORS.text}">A stream that reconnected twice: runstream/otel spans (${Math.round(total)} ms)</text>`);

// time axis
const axisY = TOP - 16;
for (let t = 0; t <= Math.ceil(total / step) * step; t += step) {
  const px = x(t0 + t);
  out.push(`<line x1="${px}" y1="${axisY}" x2="${px}" y2="${TOP + rows.length * ROW}" stroke="${COLORS.grid}" stroke-width="1"/>`);
  out.push(`<text x="${px}" y="${axisY - 6}" text-anchor="middle" fill="${COLORS.muted}" font-size="11">${t} ms</text>`);
}

const attr = (span, key) => span.attributes[key];
function labels(span, index) {
  const duration = `${Math.round(ms(span.endTime) - ms(span.startTime))} ms`;
  if (span === root) {
    return [
      `${span.name} · ${duration}`,
      `outcome ${attr(span, 'runstream.outcome')} · events ${attr(span, 'runstream.events')} · reconnects ${attr(span, 'runstream.reconnects')}`,
    ];
  }
  const status = attr(span, 'http.response.status_code');
  const details = [status === undefined ? 'no status_code' : `status_code ${status}`];
  if (attr(span, 'http.request.resend_count') !== undefined) details.push(`resend_count ${attr(span, 'http.request.resend_count')}`);
  if (attr(span, 'runstream.last_event_id')) details.push(`last_event_id ${attr(span, 'runstream.last_event_id')}`);
  if (attr(span, 'error.type')) details.push(`error.type ${attr(span, 'error.type')}`);
  return [`${span.name} · attempt ${index} · ${duration}`, details.join(' · ')];
}

rows.forEach((span, i) => {
  const y = TOP + i * ROW;
  const [title, detail] = labels(span, i);
  if (i % 2 === 0) out.push(`<rect x="1" y="${y}" width="${WIDTH - 2}" height="${ROW}" fill="#f6f8fa"/>`);
  out.push(`<text x="${PAD + (span === root ? 0 : 14)}" y="${y + 22}" font-weight="bold" fill="${COLORS.text}">${escape(title)}</text>`);
  out.push(`<text x="${PAD + (span === root ? 0 : 14)}" y="${y + 40}" fill="${COLORS.muted}" font-size="11">${escape(detail)}</text>`);
  const color = span === root ? COLORS.stream : span.status.code === 2 ? COLORS.error : COLORS.ok;
  const x1 = x(ms(span.startTime));
  const width = Math.max(2, round(x(ms(span.endTime)) - x1));
  out.push(`<rect x="${x1}" y="${y + 14}" width="${width}" height="22" rx="3" fill="${color}"/>`);
});

// span events: runstream.reconnect (with the wait it starts) and runstream.retry
const rootY = TOP;
const notes = [];
for (const spanEvent of root.events) {
  const t = ms(spanEvent.time);
  const px = x(t);
  const a = spanEvent.attributes ?? {};
  if (spanEvent.name === 'runstream.reconnect') {
    const delay = a['runstream.reconnect.delay'] * 1000;
    const wait = Math.max(2, round(x(t + delay) - px));
    // the wait, hatched across every row, and a diamond on the stream span
    out.push(`<rect x="${px}" y="${rootY + 4}" width="${wait}" height="${rows.length * ROW - 8}" fill="${COLORS.wait}" fill-opacity="0.12" stroke="${COLORS.wait}" stroke-dasharray="4 3"/>`);
    out.push(`<path d="M ${px} ${rootY + 14} l 7 11 l -7 11 l -7 -11 z" fill="${COLORS.wait}" stroke="#ffffff" stroke-width="1.5"/>`);
    out.push(`<text x="${px}" y="${rootY + 10}" text-anchor="middle" font-size="11" font-weight="bold" fill="${COLORS.wait}">${notes.length + 1}</text>`);
    notes.push({ px, color: COLORS.wait, text: `${notes.length + 1} ↻ runstream.reconnect (reconnect.attempt ${a['runstream.reconnect.attempt']}): wait ${Math.round(delay)} ms (delay_source ${a['runstream.reconnect.delay_source']}), cause ${a['runstream.reconnect.cause']}${a['runstream.last_event_id'] ? `, last_event_id ${a['runstream.last_event_id']}` : ''}` });
  } else {
    out.push(`<circle cx="${px}" cy="${rootY + 25}" r="5" fill="#8250df" stroke="#ffffff" stroke-width="1.5"/>`);
    out.push(`<text x="${px}" y="${rootY + 10}" text-anchor="middle" font-size="11" font-weight="bold" fill="#8250df">${notes.length + 1}</text>`);
    const value = spanEvent.name === 'runstream.retry' ? `: ${Math.round(a['runstream.retry'] * 1000)} ms (the server's retry: field)` : '';
    notes.push({ px, color: '#8250df', text: `${notes.length + 1} ● ${spanEvent.name}${value}` });
  }
}
const notesY = TOP + rows.length * ROW + 26;
notes.forEach((note, i) => {
  const y = notesY + i * 20;
  out.push(`<text x="${PAD}" y="${y}" fill="${note.color}" font-size="11.5">${escape(note.text)}</text>`);
});

const legendY = HEIGHT - 18;
const legend = [
  [COLORS.stream, 'stream span (INTERNAL)'],
  [COLORS.ok, 'attempt span (CLIENT), status unset'],
  [COLORS.error, 'attempt span, status ERROR'],
  [COLORS.wait, 'reconnect wait'],
];
let lx = PAD;
for (const [color, text] of legend) {
  out.push(`<rect x="${lx}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${color}"/>`);
  out.push(`<text x="${lx + 18}" y="${legendY}" fill="${COLORS.muted}" font-size="11">${escape(text)}</text>`);
  lx += 30 + text.length * 6.8;
}
out.push('</svg>');
writeFileSync(OUT, out.join('\n') + '\n');
console.error(`wrote ${OUT}: ${spans.length} spans, ${root.events.length} span events, ${Math.round(total)} ms`);

