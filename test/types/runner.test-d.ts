import { describe, expectTypeOf, test } from 'vitest';
import { Runstream, type EventStream, type StaxBusEventMap, type StaxEventMap, type StaxRun } from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://localhost:4800' });

describe('runner types', () => {
  test('stream and follow return an EventStream of StaxEventMap', () => {
    expectTypeOf(client.runner.stream()).toEqualTypeOf<EventStream<StaxBusEventMap>>();
    expectTypeOf(client.runner.run({ workflow: 'build' })).toEqualTypeOf<EventStream<StaxEventMap>>();
    expectTypeOf(client.runner.follow('a1b2c3d4')).toEqualTypeOf<EventStream<StaxEventMap>>();
  });

  test('narrowing on event.type narrows event.data', async () => {
    for await (const event of client.runner.follow('a1b2c3d4')) {
      expectTypeOf(event.data.runId).toBeString();
      if (event.type === 'step.log') {
        expectTypeOf(event.data).toEqualTypeOf<{ runId: string; jobId: string; stepNumber: number; line: string }>();
      } else if (event.type === 'run.completed') {
        expectTypeOf(event.data.run).toEqualTypeOf<StaxRun>();
        // @ts-expect-error run events have no line
        void event.data.line;
      }
    }
  });

  test('addEventListener: typed for known names, unknown for others', () => {
    const bus = client.runner.stream();
    bus.addEventListener('step.log', (event) => expectTypeOf(event.data.line).toBeString());
    bus.addEventListener('weird', (event) => expectTypeOf(event.data).toBeUnknown());
  });
});
