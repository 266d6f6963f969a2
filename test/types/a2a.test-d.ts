import type { StreamResponse, TaskState } from '@a2a-js/sdk';
import { describe, expectTypeOf, test } from 'vitest';
import { A2A, accumulateA2ATask, initialA2ATask, type A2AEventMap, type A2AMessage, type A2AResync, type A2ATask, type A2ATaskAccumulator, type A2ATaskState, type EventStream } from '../../src/index.js';

const agent = new A2A({ baseUrl: 'http://localhost:41241' });

describe('A2A types', () => {
  test('every StreamResponse member of @a2a-js/sdk (A2A v1.0) is an event of the map', () => {
    type Members = NonNullable<StreamResponse['payload']>['$case'];
    expectTypeOf<Members>().toEqualTypeOf<'task' | 'message' | 'statusUpdate' | 'artifactUpdate'>();
    expectTypeOf<Members>().toExtend<keyof A2AEventMap>();
  });

  test('the task states are the SDK enum names (its wire strings), no more, no fewer', () => {
    expectTypeOf<Exclude<keyof typeof TaskState, 'UNRECOGNIZED'>>().toEqualTypeOf<A2ATaskState>();
  });

  test('stream and subscribe return an EventStream of the map; narrowing on type narrows data', async () => {
    expectTypeOf(agent.tasks.stream('hi')).toEqualTypeOf<EventStream<A2AEventMap>>();
    expectTypeOf(agent.tasks.subscribe('t1', { binding: 'rest' })).toEqualTypeOf<EventStream<A2AEventMap>>();
    // @ts-expect-error the binding is 'jsonrpc' or 'rest'
    void agent.tasks.stream('hi', { binding: 'grpc' });
    for await (const event of agent.tasks.stream({ parts: [{ text: 'hi' }], taskId: 't1' })) {
      if (event.type === 'task') expectTypeOf(event.data).toEqualTypeOf<A2ATask>();
      if (event.type === 'message') expectTypeOf(event.data).toEqualTypeOf<A2AMessage>();
      if (event.type === 'resync') expectTypeOf(event.data).toEqualTypeOf<A2AResync>();
      if (event.type === 'statusUpdate') expectTypeOf(event.data.status.state).toEqualTypeOf<A2ATaskState>();
    }
  });

  test('the accumulator folds the stream’s events', () => {
    expectTypeOf(accumulateA2ATask).parameter(0).toEqualTypeOf<A2ATaskAccumulator>();
    expectTypeOf(initialA2ATask).toEqualTypeOf<A2ATaskAccumulator>();
  });
});
