import { describe, expectTypeOf, test } from 'vitest';
import { connect, type DefaultEvents, type EventStream, type JsonEvents, type StreamEvent } from '../../src/index.js';

interface TickMap {
  tick: { n: number };
  done: { ok: boolean };
}

describe('connect types', () => {
  test('without a type argument: any name, string data', async () => {
    const stream = connect('http://api.test/events');
    expectTypeOf(stream).toEqualTypeOf<EventStream<DefaultEvents>>();
    for await (const event of stream) {
      expectTypeOf(event.type).toBeString();
      expectTypeOf(event.data).toBeString();
    }
    stream.addEventListener('anything', (event) => expectTypeOf(event.data).toBeString());
  });

  test('with json or decode but no type argument: data is unknown, not string', async () => {
    const json = connect('http://api.test/events', { json: true });
    expectTypeOf(json).toEqualTypeOf<EventStream<JsonEvents>>();
    for await (const event of json) expectTypeOf(event.data).toBeUnknown();
    const decoded = connect('http://api.test/events', { decode: (text) => text.length });
    decoded.addEventListener('anything', (event) => expectTypeOf(event.data).toBeUnknown());
    // Without decoding, data stays text.
    expectTypeOf(connect('http://api.test/events', { json: false })).toEqualTypeOf<EventStream<DefaultEvents>>();
  });

  test('connect<Map>(url, {json: true}) gives the map types', async () => {
    const stream = connect<TickMap>('http://api.test/events', { json: true });
    for await (const event of stream) {
      expectTypeOf(event.type).toEqualTypeOf<'tick' | 'done'>();
      if (event.type === 'tick') expectTypeOf(event.data).toEqualTypeOf<{ n: number }>();
      else expectTypeOf(event.data).toEqualTypeOf<{ ok: boolean }>();
    }
    stream.addEventListener('done', (event) => {
      expectTypeOf(event).toEqualTypeOf<StreamEvent<'done', { ok: boolean }>>();
      // @ts-expect-error done carries ok, not n
      void event.data.n;
    });
    stream.addEventListener('other', (event) => expectTypeOf(event.data).toBeUnknown());
  });

  test('a type literal map works as well as an interface', () => {
    const stream = connect<{ ping: null }>('http://api.test/events', { json: true });
    stream.addEventListener('ping', (event) => expectTypeOf(event.data).toBeNull());
  });
});
