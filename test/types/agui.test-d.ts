import type { EventType, Event as CoreEvent, RunAgentInput, Message, JsonPatchOperation } from '@ag-ui/core';
import { describe, expectTypeOf, test } from 'vitest';
import {
  AGUI,
  initialAGUIRun,
  reduceAGUIRun,
  type AGUIEventMap,
  type AGUIEventType,
  type AGUIInterrupt,
  type AGUIMessage,
  type AGUIRunAgentInput,
  type AGUIRunState,
  type EventStream,
  type JSONPatchOperation,
} from '../../src/index.js';
import { useEventStream } from '../../src/react/index.js';

const agent = new AGUI({ baseUrl: 'http://localhost:8000/agent' });
const input: AGUIRunAgentInput = { threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] };

/** The event names of `@ag-ui/core` 1.0.0 whose payload is not one `AGUIEventMap` accepts (without `type`, an enum there). */
type Mismatched = {
  [Type in EventType]: Omit<Extract<CoreEvent, { type: Type }>, 'type'> extends Omit<AGUIEventMap[`${Type}`], 'type'> ? never : Type;
}[EventType];

describe('AG-UI types', () => {
  test('every EventType of @ag-ui/core 1.0.0 is a key of AGUIEventMap, and no other', () => {
    expectTypeOf<`${EventType}`>().toEqualTypeOf<AGUIEventType>();
  });

  test("every @ag-ui/core event's payload is one AGUIEventMap accepts under its name", () => {
    expectTypeOf<Mismatched>().toEqualTypeOf<never>();
  });

  test("@ag-ui/core's RunAgentInput, Message and JSON Patch fit runstream's", () => {
    expectTypeOf<RunAgentInput>().toMatchTypeOf<AGUIRunAgentInput>();
    expectTypeOf<Message>().toMatchTypeOf<AGUIMessage>();
    expectTypeOf<JsonPatchOperation>().toMatchTypeOf<JSONPatchOperation>();
  });

  test('start returns an EventStream of AGUIEventMap; narrowing on type narrows data', async () => {
    expectTypeOf(agent.runs.start(input)).toEqualTypeOf<EventStream<AGUIEventMap>>();
    // @ts-expect-error runId is required
    void agent.runs.start({ threadId: 't1' });
    for await (const event of agent.runs.start(input)) {
      if (event.type === 'TEXT_MESSAGE_CONTENT') expectTypeOf(event.data.delta).toBeString();
      if (event.type === 'RUN_FINISHED' && event.data.outcome?.type === 'interrupt') expectTypeOf(event.data.outcome.interrupts).toEqualTypeOf<AGUIInterrupt[]>();
      if (event.type === 'RUN_ERROR') expectTypeOf(event.data.code).toEqualTypeOf<string | undefined>();
    }
  });

  test('run() resolves with the folded state; the reducer fits useEventStream', () => {
    expectTypeOf(agent.runs.run(input)).toEqualTypeOf<Promise<AGUIRunState>>();
    expectTypeOf(reduceAGUIRun).parameters.toEqualTypeOf<[AGUIRunState, Parameters<typeof reduceAGUIRun>[1]]>();
    const _use = () => useEventStream(() => agent.runs.start(input), [], { reduce: reduceAGUIRun, initial: initialAGUIRun });
    expectTypeOf<ReturnType<typeof _use>['value']>().toEqualTypeOf<AGUIRunState>();
  });
});
