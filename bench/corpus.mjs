// Deterministic SSE corpora. Same seed, same bytes: every client, every round and every run
// reads identical input. Each corpus also carries what a correct client must report (event
// count, a checksum over decoded data, the last event id), so a client that drops or
// mangles events fails verification instead of looking fast.

/** mulberry32: a small seeded PRNG, so corpora do not depend on Math.random. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mostly ASCII, with some multi-byte UTF-8 (2, 3 and 4 bytes) so decoding across chunk
// boundaries is exercised, and characters JSON must escape.
const WORDS = [
  'the', 'agent', 'calls', 'tool', 'search', 'result', 'step', 'plan', 'value', 'token', 'stream',
  'event', 'retry', 'model', 'answer', 'context', 'window', 'delta', 'file', 'read', 'write', 'a',
  'of', 'to', 'in', 'and', 'is', 'for', 'with', 'café', 'naïve', '—', '→', 'über', '東京', '🙂',
  '"quoted"', 'tab\there', 'back\\slash', 'line\nbreak',
];

/** Event names of the agent-run corpus, with their weights (deltas dominate, as in real runs). */
export const AGENT_TYPES = [
  ['message.delta', 60],
  ['tool.call', 8],
  ['tool.result', 8],
  ['step.started', 8],
  ['step.completed', 8],
  ['run.progress', 8],
];

function pickType(rand) {
  let r = rand() * 100;
  for (const [name, weight] of AGENT_TYPES) {
    if ((r -= weight) < 0) return name;
  }
  return AGENT_TYPES[0][0];
}

function words(rand, minChars, maxChars) {
  const target = minChars + Math.floor(rand() * (maxChars - minChars));
  let out = '';
  while (out.length < target) out += (out ? ' ' : '') + WORDS[Math.floor(rand() * WORDS.length)];
  return out;
}

/**
 * (a) Agent-run events: `event:` + `id:` + one `data:` line of ~250 B JSON. `seq` is the
 * checksum field; `id` equals `seq`.
 */
function agentEvents(count, eol) {
  const rand = prng(0x5e5e);
  const parts = [];
  let sum = 0;
  let dataBytes = 0;
  let dataChars = 0;
  const start = Date.UTC(2025, 0, 1);
  for (let seq = 1; seq <= count; seq++) {
    const type = pickType(rand);
    const payload = {
      seq,
      run_id: 'run_01JH8Z5X7QK3M2V9T4R6W8Y0AB',
      step: 1 + Math.floor(seq / 40),
      type,
      ts: new Date(start + seq * 37).toISOString(),
      delta: { content: words(rand, 10, 90) },
      usage: { input_tokens: Math.floor(rand() * 4000), output_tokens: Math.floor(rand() * 800) },
    };
    const data = JSON.stringify(payload);
    dataBytes += Buffer.byteLength(data);
    dataChars += data.length;
    sum += seq;
    parts.push(`event: ${type}${eol}id: ${seq}${eol}data: ${data}${eol}${eol}`);
  }
  return { text: parts.join(''), count, sum, lastId: String(count), dataBytes, dataChars, types: AGENT_TYPES.map(([n]) => n) };
}

/** (b) Token deltas: one `data:` line of ~20 B JSON, no `event:` and no `id:` (as LLM APIs send). */
function tokenEvents(count) {
  const rand = prng(0x70c3);
  const parts = [];
  let sum = 0;
  let dataBytes = 0;
  let dataChars = 0;
  for (let i = 0; i < count; i++) {
    let token = WORDS[Math.floor(rand() * 29)]; // the plain-ASCII words: typical tokens
    if (rand() < 0.8) token = ` ${token}`;
    if (rand() < 0.02) token = WORDS[29 + Math.floor(rand() * 7)]; // the odd multi-byte token
    const data = JSON.stringify({ delta: token });
    dataBytes += Buffer.byteLength(data);
    dataChars += data.length;
    sum += token.length;
    parts.push(`data: ${data}\n\n`);
  }
  return { text: parts.join(''), count, sum, lastId: '', dataBytes, dataChars, types: ['message'] };
}

/**
 * (c) Large multi-line events: ~1 MB of pretty-printed JSON per event, one `data:` line per
 * JSON line (~10k lines), which a client joins with LF before decoding.
 */
function bigEvents(count) {
  const rand = prng(0xb16);
  const parts = [];
  let sum = 0;
  let dataBytes = 0;
  let dataChars = 0;
  for (let seq = 1; seq <= count; seq++) {
    // One row per line (~110 B), so an event is ~10k `data:` lines.
    const lines = [`{"seq":${seq},"rows":[`];
    let size = 0;
    let rows = 0;
    while (size < 1_000_000) {
      const row = JSON.stringify({ k: `row-${rows}`, n: Math.floor(rand() * 1e6), text: words(rand, 50, 110) });
      lines.push(rows === 0 ? row : `,${row}`);
      size += row.length + 7;
      rows++;
    }
    lines.push(']}');
    const data = lines.join('\n');
    dataBytes += Buffer.byteLength(data);
    dataChars += data.length;
    sum += rows;
    parts.push(`event: snapshot\nid: ${seq}\n`);
    for (const line of lines) parts.push(`data: ${line}\n`);
    parts.push('\n');
  }
  return { text: parts.join(''), count, sum, lastId: String(count), dataBytes, dataChars, types: ['snapshot'] };
}

/** Corpus sizes: full run, and the `--quick` smoke run. */
export const SIZES = {
  full: { agent: 100_000, tokens: 1_000_000, big: 8 },
  quick: { agent: 20_000, tokens: 100_000, big: 2 },
};

/**
 * The slow consumer's work per event (the fast-producer / slow-consumer case): a fixed number
 * of xorshift rounds, about 2.5 ns each on the 2-core reference machine, so about 2.5 µs.
 * Fixed, not calibrated: every client, run and machine does the same work.
 */
export const SLOW_WORK_ITERATIONS = 1000;

let sink = 0;
/** `iterations` rounds of xorshift; the result goes to a module variable, so nothing is optimised away. */
export function work(iterations) {
  let x = (sink + 0x9e3779b9) | 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
  return x;
}

/**
 * Which decoded value each corpus adds to its checksum. Every client calls the same function
 * on each decoded event, so the consumer's work is equal.
 */
export const CHECKS = {
  agent: (data) => data.seq,
  'agent-crlf': (data) => data.seq,
  tokens: (data) => data.delta.length,
  big: (data) => data.rows.length,
};

const SPECS = {
  agent: (k) => agentEvents(k, '\n'),
  tokens: (k) => tokenEvents(k),
  big: (k) => bigEvents(k),
  'agent-crlf': (k) => agentEvents(k, '\r\n'),
};

/**
 * The first `count` events of a corpus, and what a correct client reports for them. Each
 * generator draws its random numbers event by event, so these are exactly the first bytes of
 * the corpus with more events (the caller checks that they are).
 *
 * @param {keyof typeof SPECS} name
 */
export function corpusPrefix(name, count) {
  const made = SPECS[name](count);
  return {
    bytes: Buffer.byteLength(made.text),
    text: made.text,
    expect: { count: made.count, sum: made.sum, lastId: made.lastId, chars: made.dataChars },
  };
}

/**
 * Builds every corpus (and its warm-up prefix, ~1/5 the events) as pre-encoded buffers.
 *
 * @param {'full'|'quick'} mode
 */
export function buildCorpora(mode) {
  const n = SIZES[mode];
  const counts = { agent: n.agent, tokens: n.tokens, big: n.big, 'agent-crlf': n.agent };
  const corpora = {};
  for (const [name, make] of Object.entries(SPECS)) {
    const full = make(counts[name]);
    const warm = make(Math.max(2, Math.floor(counts[name] / 5)));
    corpora[name] = {
      name,
      bytes: Buffer.from(full.text, 'utf8'),
      warm: Buffer.from(warm.text, 'utf8'),
      expect: { count: full.count, sum: full.sum, lastId: full.lastId, chars: full.dataChars },
      warmExpect: { count: warm.count, sum: warm.sum, lastId: warm.lastId, chars: warm.dataChars },
      types: full.types,
      dataBytes: full.dataBytes,
    };
  }
  return corpora;
}

/** Human labels for the table. */
export const CORPUS_LABELS = {
  agent: '(a) agent-run events, ~250 B JSON, event/id/data, LF',
  tokens: '(b) token deltas, ~20 B JSON data only',
  big: '(c) 1 MB multi-line events',
  'agent-crlf': '(d) agent-run events, CRLF',
};
