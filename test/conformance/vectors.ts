/**
 * runstream's own conformance vectors, written from the WHATWG HTML "Server-sent events"
 * section: input bytes → the events a conforming client dispatches (type, data, last event ID)
 * and the last event ID and reconnection time once the stream has ended.
 *
 * The inputs are wire text on purpose: most vectors are the malformed or unusual lines the
 * spec gives a meaning to (no colon, NUL in an id, a second BOM, bytes that are not UTF-8),
 * which test/helpers/sse.ts `frame()` rightly refuses to build. The property test and the
 * platform tables, whose streams are well formed, build theirs with `frame()`.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import { utf8 } from '../helpers/loopback.js';
import { bytes, type Expected, type Vector } from './harness.js';

export interface Group {
  /** The spec rules the group checks, in the spec's words where short. */
  rule: string;
  /** The section of the spec. */
  see: string;
  vectors: Vector[];
}

const SPEC = 'https://html.spec.whatwg.org/multipage/server-sent-events.html';

/** An unnamed event. */
const msg = (data: string, id = ''): Expected => ({ type: 'message', data, id });
/** A named event. */
const ev = (type: string, data: string, id = ''): Expected => ({ type, data, id });

export const groups: Group[] = [
  {
    rule: 'lines end with CRLF, LF or CR; a CR followed by LF is one line end; a blank line dispatches',
    see: `${SPEC}#parsing-an-event-stream`,
    vectors: [
      {
        name: 'LF line ends',
        input: 'event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\n',
        events: [ev('add', '73857293'), ev('remove', '2153')],
        lastEventId: '',
      },
      {
        name: 'CR line ends',
        input: 'event: add\rdata: 73857293\r\revent: remove\rdata: 2153\r\r',
        events: [ev('add', '73857293'), ev('remove', '2153')],
        lastEventId: '',
      },
      {
        name: 'CRLF line ends',
        input: 'event: add\r\ndata: 73857293\r\n\r\nevent: remove\r\ndata: 2153\r\n\r\n',
        events: [ev('add', '73857293'), ev('remove', '2153')],
        lastEventId: '',
      },
      {
        name: 'mixed line ends in one stream',
        input: 'data: a\r\ndata: b\n\rdata: c\r\r\ndata: d\n\n',
        events: [msg('a\nb'), msg('c'), msg('d')],
        lastEventId: '',
      },
      {
        name: 'LF then CR is two line ends, CR then LF is one',
        input: 'id: 1\ndata: a\n\rid: 2\r\ndata: b\r\n\r\n',
        events: [msg('a', '1'), msg('b', '2')],
        lastEventId: '2',
      },
      {
        name: 'a CR at the very end of the stream ends the blank line without waiting for an LF',
        input: 'data: a\r\r',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'blank lines before, between and after events dispatch nothing',
        input: '\n\r\n\r\n\ndata: a\n\n\n\n\r\rdata: b\n\n\r\n',
        events: [msg('a'), msg('b')],
        lastEventId: '',
      },
    ],
  },
  {
    rule: 'the stream is decoded with UTF-8 decode, which strips one leading BOM: only the first',
    see: `${SPEC}#parsing-an-event-stream`,
    vectors: [
      {
        name: 'one leading BOM is stripped',
        input: '\uFEFFdata: a\n\n',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'a leading BOM before an id line: the id still counts',
        input: '\uFEFFid: 1\r\ndata: a\r\n\r\n',
        events: [msg('a', '1')],
        lastEventId: '1',
      },
      {
        name: 'a second leading BOM is kept and makes the first field name unknown',
        input: '\uFEFF\uFEFFdata: a\n\ndata: b\n\n',
        events: [msg('b')],
        lastEventId: '',
      },
      {
        name: 'a U+FEFF at the start of a later line is part of its field name',
        input: 'data: a\n\n\uFEFFdata: b\n\n',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'a U+FEFF inside a value is kept',
        input: 'data: \uFEFFa\uFEFF\n\n',
        events: [msg('\uFEFFa\uFEFF')],
        lastEventId: '',
      },
    ],
  },
  {
    rule: 'a line starting with a colon is a comment: ignored',
    see: `${SPEC}#event-stream-interpretation`,
    vectors: [
      {
        name: 'comment blocks dispatch nothing',
        input: ':comment\n\n: spaced\n\n:\n\n:data: x\n\n: 🚀 ünïcode\r\n\r\ndata: a\n\n',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'a comment inside an event does not end it',
        input: 'data: a\n: note\ndata: b\n\n',
        events: [msg('a\nb')],
        lastEventId: '',
      },
    ],
  },
  {
    rule:
      'field name before the first colon, value after it with one leading space removed; a line without a colon is a field with an empty value; names compare literally; unknown fields are ignored',
    see: `${SPEC}#event-stream-interpretation`,
    vectors: [
      {
        name: 'a colonless data line is a data field with an empty value',
        input: 'data\n\n',
        events: [msg('')],
        lastEventId: '',
      },
      {
        name: 'two colonless data lines give one LF',
        input: 'data\ndata\n\n',
        events: [msg('\n')],
        lastEventId: '',
      },
      {
        name: 'a colonless event line resets the event type',
        input: 'event: add\nevent\ndata: a\n\n',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'a colonless id line resets the last event ID',
        input: 'id: 1\ndata: a\n\nid\ndata: b\n\n',
        events: [msg('a', '1'), msg('b', '')],
        lastEventId: '',
      },
      {
        name: 'exactly one space after the colon is stripped',
        input: 'data:a\n\ndata: a\n\ndata:  a\n\ndata:   a  \n\n',
        events: [msg('a'), msg('a'), msg(' a'), msg('  a  ')],
        lastEventId: '',
      },
      {
        name: 'a tab after the colon is kept',
        input: 'data:\ta\n\n',
        events: [msg('\ta')],
        lastEventId: '',
      },
      {
        name: 'the value may contain colons',
        input: 'data: a: b:c\n\n',
        events: [msg('a: b:c')],
        lastEventId: '',
      },
      {
        name: 'event and id values lose one space too, and keep the next',
        input: 'event:  add\nid:  7\ndata: x\n\n',
        events: [ev(' add', 'x', ' 7')],
        lastEventId: ' 7',
      },
      {
        name: 'field names are case-sensitive',
        input: 'Data: a\n\nDATA: b\n\nEvent: x\ndata: c\n\nID: 5\ndata: d\n\n',
        events: [msg('c'), msg('d')],
        lastEventId: '',
      },
      {
        name: 'a space before the colon makes another field name',
        input: 'data : a\n\nid : 1\ndata: b\n\n',
        events: [msg('b')],
        lastEventId: '',
      },
      {
        name: 'unknown fields are ignored',
        input: 'foo: bar\ndata: a\nbaz\nx-data: y\ndata2: z\nretryx: 5\n\n',
        events: [msg('a')],
        lastEventId: '',
      },
    ],
  },
  {
    rule:
      'each data field appends its value and an LF; at dispatch the last LF is removed; an empty data buffer (no data field) dispatches nothing',
    see: `${SPEC}#dispatchMessage`,
    vectors: [
      {
        name: 'multi-line data is joined with LF',
        input: 'data: line 1\ndata: line 2\ndata: line 3\n\n',
        events: [msg('line 1\nline 2\nline 3')],
        lastEventId: '',
      },
      {
        name: 'empty data lines keep their place',
        input: 'data: a\ndata:\ndata: b\n\n',
        events: [msg('a\n\nb')],
        lastEventId: '',
      },
      {
        name: 'data lines are joined with LF whatever their line ends',
        input: 'data: a\r\ndata: b\rdata: c\n\r\n',
        events: [msg('a\nb\nc')],
        lastEventId: '',
      },
      {
        name: 'a data field with an empty value dispatches an event with empty data',
        input: 'data:\n\ndata: \n\n',
        events: [msg(''), msg('')],
        lastEventId: '',
      },
      {
        name: 'two empty data fields give data of one LF',
        input: 'data:\ndata:\n\n',
        events: [msg('\n')],
        lastEventId: '',
      },
      {
        name: 'a block without a data field dispatches nothing',
        input: 'event: add\n\n: c\n\nfoo: bar\n\nretry: x\n\n',
        events: [],
        lastEventId: '',
      },
      {
        name: 'NUL and other control characters in data are kept',
        input: 'data: a\u0000b\u0007c\u007f\n\n',
        events: [msg('a\u0000b\u0007c\u007f')],
        lastEventId: '',
      },
    ],
  },
  {
    rule: "the event's type is the event type buffer, or 'message' when it is empty; the buffer is reset at every blank line",
    see: `${SPEC}#dispatchMessage`,
    vectors: [
      {
        name: 'the type resets after dispatch',
        input: 'event: add\ndata: 1\n\ndata: 2\n\n',
        events: [ev('add', '1'), msg('2')],
        lastEventId: '',
      },
      {
        name: 'the type resets at a blank line even when nothing was dispatched',
        input: 'event: add\n\ndata: 2\n\n',
        events: [msg('2')],
        lastEventId: '',
      },
      {
        name: "an empty event field means 'message'",
        input: 'event:\ndata: x\n\nevent: \ndata: y\n\n',
        events: [msg('x'), msg('y')],
        lastEventId: '',
      },
      {
        name: 'the last event field of a block wins, wherever it stands',
        input: 'event: a\ndata: x\nevent: b\n\n',
        events: [ev('b', 'x')],
        lastEventId: '',
      },
      {
        name: "'event: message' is the default type",
        input: 'event: message\ndata: x\n\n',
        events: [msg('x')],
        lastEventId: '',
      },
      {
        name: 'any Unicode event name',
        input: 'event: Ünïcødé 🚀 名前\ndata: x\n\n',
        events: [ev('Ünïcødé 🚀 名前', 'x')],
        lastEventId: '',
      },
    ],
  },
  {
    rule:
      'id sets the last event ID buffer unless the value contains NUL; at every blank line the last event ID string takes the buffer, whether or not an event is dispatched; the buffer is not reset',
    see: `${SPEC}#dispatchMessage`,
    vectors: [
      {
        name: 'the last event ID persists until the next id field',
        input: 'id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n',
        events: [msg('a', '1'), msg('b', '1'), msg('c', '2')],
        lastEventId: '2',
      },
      {
        name: 'an empty id resets the last event ID',
        input: 'id: 1\ndata: a\n\nid:\ndata: b\n\nid: 3\ndata: c\n\nid: \ndata: d\n\n',
        events: [msg('a', '1'), msg('b', ''), msg('c', '3'), msg('d', '')],
        lastEventId: '',
      },
      {
        name: 'an id containing NUL is ignored',
        input: 'id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n',
        events: [msg('a', '1'), msg('b', '1')],
        lastEventId: '1',
      },
      {
        name: 'an id block without data updates the last event ID',
        input: 'id: 5\n\ndata: a\n\n',
        events: [msg('a', '5')],
        lastEventId: '5',
      },
      {
        name: 'an id block without data at the end of the stream updates the last event ID',
        input: 'id: 1\ndata: a\n\nid: 9\n\n',
        events: [msg('a', '1')],
        lastEventId: '9',
      },
      {
        name: 'the id of a block applies at dispatch, wherever its line stands',
        input: 'data: a\nid: 2\n\n',
        events: [msg('a', '2')],
        lastEventId: '2',
      },
      {
        name: 'the last id field of a block wins',
        input: 'id: 1\nid: 2\ndata: a\n\n',
        events: [msg('a', '2')],
        lastEventId: '2',
      },
      {
        name: 'an id with an event type but no data updates the last event ID; the type does not carry over',
        input: 'event: add\nid: 3\n\ndata: a\n\n',
        events: [msg('a', '3')],
        lastEventId: '3',
      },
      {
        name: 'ids are opaque text: inner spaces, tabs and punctuation are kept',
        input: 'id: run 42\tstep 7/8;q=1\ndata: a\n\n',
        events: [msg('a', 'run 42\tstep 7/8;q=1')],
        lastEventId: 'run 42\tstep 7/8;q=1',
      },
    ],
  },
  {
    rule:
      'retry: if the value is only ASCII digits, it sets the reconnection time (base ten, ms), at once; otherwise the field is ignored',
    see: `${SPEC}#event-stream-interpretation`,
    vectors: [
      {
        name: 'retry sets the reconnection time',
        input: 'retry: 1500\n\n',
        events: [],
        lastEventId: '',
        retry: 1500,
      },
      {
        name: 'retry inside an event block; the event still dispatches',
        input: 'data: a\nretry: 300\n\n',
        events: [msg('a')],
        lastEventId: '',
        retry: 300,
      },
      {
        name: 'retry with anything but ASCII digits is ignored',
        input: 'retry: 10ms\n\nretry: -1\n\nretry: 1.5\n\nretry: 1e3\n\nretry: +5\n\nretry:  500\n\nretry: ５\n\nretry: 0x10\n\nretry: 5 \n\n',
        events: [],
        lastEventId: '',
      },
      {
        name: 'an invalid retry does not undo a valid one',
        input: 'retry: 250\nretry: 10ms\nretry: 2 5\n\n',
        events: [],
        lastEventId: '',
        retry: 250,
      },
      {
        name: 'retry: 0 is a reconnection time of 0 ms',
        input: 'retry: 0\n\n',
        events: [],
        lastEventId: '',
        retry: 0,
      },
      {
        name: 'leading zeros are base ten, not octal',
        input: 'retry: 0010\n\n',
        events: [],
        lastEventId: '',
        retry: 10,
      },
      {
        name: 'the last valid retry wins',
        input: 'retry: 100\n\nretry: 200\n\n',
        events: [],
        lastEventId: '',
        retry: 200,
      },
      {
        name: 'a day in milliseconds',
        input: 'retry: 86400000\n\n',
        events: [],
        lastEventId: '',
        retry: 86_400_000,
      },
      {
        name: 'a complete retry line applies even when its block is cut off; the id of that block does not',
        input: 'id: 4\nretry: 300\ndata: a\n',
        events: [],
        lastEventId: '',
        retry: 300,
      },
      {
        name: 'a retry line cut off by the end of the stream is not a line',
        input: 'data: a\n\nretry: 300',
        events: [msg('a')],
        lastEventId: '',
      },
    ],
  },
  {
    rule: 'bytes that are not valid UTF-8 decode to U+FFFD (the Encoding standard, maximal subparts)',
    see: `${SPEC}#parsing-an-event-stream`,
    vectors: [
      {
        name: 'invalid bytes, overlong forms and encoded surrogates become U+FFFD',
        input: bytes('data: a', [0xff], 'b', [0xc0, 0xaf], 'c', [0xed, 0xa0, 0x80], 'd\n\n'),
        events: [msg('a\uFFFDb\uFFFD\uFFFDc\uFFFD\uFFFD\uFFFDd')],
        lastEventId: '',
      },
      {
        name: 'a truncated sequence is one U+FFFD',
        input: bytes('data: ', [0xf0, 0x9f, 0x9a], '\ndata: ', [0xe2, 0x82], 'x\n\n'),
        events: [msg('\uFFFD\n\uFFFDx')],
        lastEventId: '',
      },
      {
        name: 'invalid bytes in an event name',
        input: bytes('event: ', [0xfe], 'x\ndata: y\n\n'),
        events: [ev('\uFFFDx', 'y')],
        lastEventId: '',
      },
      {
        name: 'a stray continuation byte at the start of a line makes its field name unknown',
        input: bytes('data: a\n\n', [0x80], 'data: b\n\ndata: c\n\n'),
        events: [msg('a'), msg('c')],
        lastEventId: '',
      },
      {
        name: 'characters of every UTF-8 length',
        input: 'event: é\nid: 1\ndata: a é € 😀 𝄞 👩‍💻\n\n',
        events: [ev('é', 'a é € 😀 𝄞 👩‍💻', '1')],
        lastEventId: '1',
      },
    ],
  },
  {
    rule: 'at the end of the stream, pending data is discarded: an incomplete event is not dispatched',
    see: `${SPEC}#parsing-an-event-stream`,
    vectors: [
      {
        name: 'an event without its blank line is discarded',
        input: 'data: a\n\nevent: x\ndata: b\n',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'an unterminated last line is discarded',
        input: 'data: a\n\ndata: b',
        events: [msg('a')],
        lastEventId: '',
      },
      {
        name: 'an id in an event cut off by the end of the stream does not count',
        input: 'id: 1\ndata: a\n\nid: 2\ndata: b\n',
        events: [msg('a', '1')],
        lastEventId: '1',
      },
    ],
  },
];

/** A vector too large for one byte per write: it runs in at most `maxWrites` writes. */
export interface LargeVector extends Vector {
  maxWrites: number;
}

/** Text of about `size` UTF-8 bytes mixing 1- to 4-byte characters, without CR or LF. */
function filler(size: number): string {
  const unit = 'abcdefghij0123456789 é€😀 ';
  const unitBytes = utf8(unit).length;
  return unit.repeat(Math.ceil(size / unitBytes));
}

/** The large vectors, built on demand (the 10 MiB one is 10 MiB of text). */
export function largeVectors(): LargeVector[] {
  const mebi = 1024 * 1024;
  const line = filler(mebi);
  const huge = filler(10 * mebi);
  const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
  const longName = 'n'.repeat(64 * 1024);
  const longId = 'i'.repeat(8 * 1024);
  return [
    {
      name: 'a 1 MiB data line',
      input: `id: 1\ndata: ${line}\n\ndata: after\n\n`,
      events: [msg(line, '1'), msg('after', '1')],
      lastEventId: '1',
      maxWrites: 1024,
    },
    {
      name: 'a 256 KiB comment line is skipped',
      input: `:${'c'.repeat(256 * 1024)}\ndata: after\n\n`,
      events: [msg('after')],
      lastEventId: '',
      maxWrites: 256,
    },
    {
      name: 'a 256 KiB unknown field line is skipped',
      input: `x${'y'.repeat(256 * 1024)}: z\ndata: after\n\n`,
      events: [msg('after')],
      lastEventId: '',
      maxWrites: 256,
    },
    {
      name: 'a 64 KiB event name',
      input: `event: ${longName}\ndata: a\n\n`,
      events: [ev(longName, 'a')],
      lastEventId: '',
      maxWrites: 256,
    },
    {
      // 8 KiB: it comes back as the Last-Event-ID header, and Node servers refuse headers
      // above 16 KiB in all.
      name: 'an 8 KiB id',
      input: `id: ${longId}\ndata: a\n\n`,
      events: [msg('a', longId)],
      lastEventId: longId,
      maxWrites: 256,
    },
    {
      name: '10 000 data lines in one event, CRLF',
      input: `${lines.map((text) => `data: ${text}\r\n`).join('')}\r\n`,
      events: [msg(lines.join('\n'))],
      lastEventId: '',
      maxWrites: 256,
    },
    {
      name: 'a 10 MiB event (maxEventSize is 16 Mi characters)',
      input: `id: big\nretry: 2500\ndata: ${huge}\n\ndata: after\n\n`,
      events: [msg(huge, 'big'), msg('after', 'big')],
      lastEventId: 'big',
      retry: 2500,
      maxWrites: 256,
    },
  ];
}
