// The AG-UI run accumulator: a pure fold of events into messages, tool calls, state and outcome.
import { describe, expect, it } from 'vitest';
import { JSONPatchError, initialAGUIRun, reduceAGUIRun, type AGUIEventMap, type AGUIRunState, type EventOf } from '../../src/index.js';

type Event = EventOf<AGUIEventMap>;

/** Events as a stream delivers them (the whole object as data). */
function events(...list: Record<string, unknown>[]): Event[] {
  return list.map((data) => ({ type: data.type, data, id: '', raw: JSON.stringify(data) }) as unknown as Event);
}

const fold = (list: Event[], from: AGUIRunState = initialAGUIRun) => list.reduce(reduceAGUIRun, from);

describe('reduceAGUIRun', () => {
  it('starts idle, runs on RUN_STARTED, and is completed by RUN_FINISHED with its result', () => {
    expect(initialAGUIRun).toMatchObject({ status: 'idle', messages: [], toolCalls: [], interrupts: [] });
    const run = fold(events({ type: 'RUN_STARTED', threadId: 't', runId: 'r' }, { type: 'RUN_FINISHED', threadId: 't', runId: 'r', result: 42 }));
    expect(run).toMatchObject({ threadId: 't', runId: 'r', status: 'completed', result: 42 });
  });

  it('builds text messages from START/CONTENT/END, role assistant unless said', () => {
    const run = fold(
      events(
        { type: 'TEXT_MESSAGE_START', messageId: 'a' },
        { type: 'TEXT_MESSAGE_START', messageId: 'b', role: 'user' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a', delta: 'one ' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'b', delta: 'two' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a', delta: 'three' },
        { type: 'TEXT_MESSAGE_END', messageId: 'a' },
        // Content for a message never started is kept, not dropped.
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'c', delta: 'orphan' },
      ),
    );
    expect(run.messages).toEqual([
      { id: 'a', role: 'assistant', content: 'one three' },
      { id: 'b', role: 'user', content: 'two' },
      { id: 'c', role: 'assistant', content: 'orphan' },
    ]);
  });

  it('expands TEXT_MESSAGE_CHUNK: a chunk without messageId continues the open message; another event closes it', () => {
    const run = fold(
      events(
        { type: 'TEXT_MESSAGE_CHUNK', messageId: 'a', role: 'assistant', delta: 'Hel' },
        { type: 'TEXT_MESSAGE_CHUNK', delta: 'lo' },
        { type: 'TEXT_MESSAGE_CHUNK', messageId: 'b', delta: 'Bye' },
      ),
    );
    expect(run.messages).toEqual([
      { id: 'a', role: 'assistant', content: 'Hello' },
      { id: 'b', role: 'assistant', content: 'Bye' },
    ]);
    const closed = fold(events({ type: 'STEP_STARTED', stepName: 's' }), run);
    expect(closed.open.text).toBeUndefined();
    expect(() => fold(events({ type: 'TEXT_MESSAGE_CHUNK', delta: 'x' }), closed)).toThrow(/TEXT_MESSAGE_CHUNK without messageId/);
  });

  it('parses tool-call arguments at TOOL_CALL_END, and keeps text that is not JSON with argsError', () => {
    const run = fold(
      events(
        { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'search', parentMessageId: 'm1' },
        { type: 'TOOL_CALL_START', toolCallId: 'c2', toolCallName: 'broken' },
        { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"q":' },
        { type: 'TOOL_CALL_ARGS', toolCallId: 'c2', delta: '{"unfinished' },
        { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '"oslo"}' },
      ),
    );
    expect(run.toolCalls.map((call) => [call.id, call.status, call.args])).toEqual([
      ['c1', 'streaming', undefined],
      ['c2', 'streaming', undefined],
    ]);
    const ended = fold(events({ type: 'TOOL_CALL_END', toolCallId: 'c1' }, { type: 'TOOL_CALL_END', toolCallId: 'c2' }, { type: 'TOOL_CALL_RESULT', messageId: 'r1', toolCallId: 'c1', content: 'sunny' }), run);
    expect(ended.toolCalls[0]).toEqual({ id: 'c1', name: 'search', parentMessageId: 'm1', arguments: '{"q":"oslo"}', status: 'done', args: { q: 'oslo' }, result: 'sunny' });
    expect(ended.toolCalls[1]).toMatchObject({ id: 'c2', arguments: '{"unfinished', status: 'done', argsError: expect.any(String) });
    expect(ended.toolCalls[1]!.args).toBeUndefined();
    // The calls sit in assistant messages (the parent's id, else the call's), as @ag-ui/core's Message has them.
    expect(ended.messages).toEqual([
      { id: 'm1', role: 'assistant', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"oslo"}' } }] },
      { id: 'c2', role: 'assistant', toolCalls: [{ id: 'c2', type: 'function', function: { name: 'broken', arguments: '{"unfinished' } }] },
      { id: 'r1', role: 'tool', toolCallId: 'c1', content: 'sunny' },
    ]);
  });

  it('expands TOOL_CALL_CHUNK, attaching the call to the text message it names, and ends it when other events come', () => {
    const run = fold(
      events(
        { type: 'TEXT_MESSAGE_START', messageId: 'm1' },
        { type: 'TOOL_CALL_CHUNK', toolCallId: 'c1', toolCallName: 'f', parentMessageId: 'm1', delta: '{"a"' },
        { type: 'TOOL_CALL_CHUNK', delta: ':1}' },
        { type: 'TOOL_CALL_CHUNK', toolCallId: 'c2', toolCallName: 'g', parentMessageId: 'm1', delta: '[]' },
        { type: 'RUN_FINISHED', threadId: 't', runId: 'r' },
      ),
    );
    expect(run.toolCalls.map(({ id, args, status }) => ({ id, args, status }))).toEqual([
      { id: 'c1', args: { a: 1 }, status: 'done' },
      { id: 'c2', args: [], status: 'done' },
    ]);
    expect(run.messages).toEqual([
      {
        id: 'm1',
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'c2', type: 'function', function: { name: 'g', arguments: '[]' } },
        ],
      },
    ]);
    expect(() => fold(events({ type: 'TOOL_CALL_CHUNK', toolCallId: 'c3', delta: '{}' }))).toThrow(/without toolCallName/);
  });

  it('keeps the state from STATE_SNAPSHOT and applies STATE_DELTA as JSON Patch, without changing earlier states', () => {
    const snap = fold(events({ type: 'STATE_SNAPSHOT', snapshot: { step: 0, items: [] } }));
    const next = fold(events({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/step', value: 1 }, { op: 'add', path: '/items/-', value: 'x' }] }), snap);
    expect(next.state).toEqual({ step: 1, items: ['x'] });
    expect(snap.state).toEqual({ step: 0, items: [] });
  });

  it('throws a JSONPatchError for a delta that does not apply (a failing test, a bad path), never skipping it', () => {
    const snap = fold(events({ type: 'STATE_SNAPSHOT', snapshot: { step: 0 } }));
    expect(() => fold(events({ type: 'STATE_DELTA', delta: [{ op: 'test', path: '/step', value: 1 }] }), snap)).toThrow(JSONPatchError);
    expect(() => fold(events({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/missing/deep', value: 1 }] }), snap)).toThrow(
      expect.objectContaining({ code: 'path-not-found' }),
    );
  });

  it('replaces the messages with MESSAGES_SNAPSHOT', () => {
    const run = fold(
      events(
        { type: 'TEXT_MESSAGE_CHUNK', messageId: 'old', delta: 'x' },
        { type: 'MESSAGES_SNAPSHOT', messages: [{ id: 'u1', role: 'user', content: 'hi' }] },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a2', delta: 'new' },
      ),
    );
    expect(run.messages).toEqual([
      { id: 'u1', role: 'user', content: 'hi' },
      { id: 'a2', role: 'assistant', content: 'new' },
    ]);
  });

  it('builds activity messages from ACTIVITY_SNAPSHOT and ACTIVITY_DELTA, and reasoning messages', () => {
    const run = fold(
      events(
        { type: 'ACTIVITY_SNAPSHOT', messageId: 'p', activityType: 'PLAN', content: { steps: ['a'] } },
        { type: 'ACTIVITY_DELTA', messageId: 'p', activityType: 'PLAN', patch: [{ op: 'add', path: '/steps/-', value: 'b' }] },
        { type: 'ACTIVITY_SNAPSHOT', messageId: 'p', activityType: 'PLAN', content: { steps: [] }, replace: false },
        { type: 'REASONING_START', messageId: 'r' },
        { type: 'REASONING_MESSAGE_START', messageId: 'r', role: 'reasoning' },
        { type: 'REASONING_MESSAGE_CONTENT', messageId: 'r', delta: 'think' },
        { type: 'REASONING_MESSAGE_CHUNK', messageId: 'r', delta: 'ing' },
        { type: 'REASONING_ENCRYPTED_VALUE', subtype: 'message', entityId: 'r', encryptedValue: 'enc' },
      ),
    );
    expect(run.messages).toEqual([
      { id: 'p', role: 'activity', activityType: 'PLAN', content: { steps: ['a', 'b'] } },
      { id: 'r', role: 'reasoning', content: 'thinking', encryptedValue: 'enc' },
    ]);
  });

  it('records an interrupt, a cancellation and a RUN_ERROR', () => {
    const interrupts = [{ id: 'i1', reason: 'approval', message: 'Book?' }];
    expect(fold(events({ type: 'RUN_FINISHED', threadId: 't', runId: 'r', outcome: { type: 'interrupt', interrupts } }))).toMatchObject({ status: 'interrupted', interrupts });
    expect(fold(events({ type: 'RUN_FINISHED', threadId: 't', runId: 'r', outcome: { type: 'cancelled' } }))).toMatchObject({ status: 'cancelled', interrupts: [] });
    expect(fold(events({ type: 'RUN_ERROR', message: 'quota', code: 'Q' }))).toMatchObject({ status: 'failed', error: { message: 'quota', code: 'Q' } });
  });

  it('is pure: the state given is never changed, and an event that changes nothing returns it as is', () => {
    const list = events(
      { type: 'RUN_STARTED', threadId: 't', runId: 'r' },
      { type: 'TEXT_MESSAGE_START', messageId: 'a' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a', delta: 'x' },
      { type: 'TOOL_CALL_START', toolCallId: 'c', toolCallName: 'f', parentMessageId: 'a' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c', delta: '{}' },
    );
    const states = [initialAGUIRun];
    const snapshots = [JSON.stringify(initialAGUIRun)];
    for (const event of list) {
      states.push(reduceAGUIRun(states.at(-1)!, event));
      snapshots.push(JSON.stringify(states.at(-1)));
    }
    expect(states.map((state) => JSON.stringify(state))).toEqual(snapshots);
    const last = states.at(-1)!;
    expect(reduceAGUIRun(last, events({ type: 'CUSTOM', name: 'x', value: 1 })[0]!)).toBe(last);
    // A plain JSON value, as useEventStream's persist needs.
    expect(JSON.parse(JSON.stringify(last))).toEqual(last);
  });

  it('folds a long text stream into one message (10 000 deltas)', () => {
    let run = initialAGUIRun;
    run = reduceAGUIRun(run, events({ type: 'TEXT_MESSAGE_START', messageId: 'a' })[0]!);
    const delta = events({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'a', delta: 'ab' })[0]!;
    for (let i = 0; i < 10_000; i++) run = reduceAGUIRun(run, delta);
    expect(run.messages).toHaveLength(1);
    expect((run.messages[0] as { content: string }).content).toHaveLength(20_000);
  });
});
