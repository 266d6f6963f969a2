// The event maps of OpenAI Responses and Anthropic Messages against the official SDKs' declared
// unions (dev dependencies, types only): every event type they declare is a key of runstream's
// map, and each declared event is accepted as that key's payload.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expectTypeOf, test } from 'vitest';
import type { AnthropicMessageEventMap, EventOf, OpenAIResponseEventMap } from '../../src/index.js';
import { anthropic } from '../../src/platforms/anthropic/definition.js';
import { openai } from '../../src/platforms/openai/definition.js';

/** The types of `Union` whose member is not assignable to `Map`'s payload for its type. */
type Rejected<Union extends { type: string }, Map> = {
  [Type in Union['type']]: Type extends keyof Map ? (Extract<Union, { type: Type }> extends Map[Type] ? never : Type) : Type;
}[Union['type']];

describe('OpenAI Responses event map (openai 6.49.0)', () => {
  test('every ResponseStreamEvent type is a key of the map', () => {
    expectTypeOf<ResponseStreamEvent['type']>().toExtend<keyof OpenAIResponseEventMap>();
    expectTypeOf<Exclude<keyof OpenAIResponseEventMap, ResponseStreamEvent['type']>>().toEqualTypeOf<'resync' | 'unknown'>();
  });

  test('every event the SDK declares is accepted as its payload', () => {
    expectTypeOf<Rejected<ResponseStreamEvent, OpenAIResponseEventMap>>().toBeNever();
  });

  test('known names exactly the keys; the terminal events are the four the API ends with', () => {
    expectTypeOf<(typeof openai.known)[number]>().toEqualTypeOf<keyof OpenAIResponseEventMap>();
    expectTypeOf<(typeof openai.terminal)[number]>().toEqualTypeOf<'response.completed' | 'response.incomplete' | 'response.failed' | 'error'>();
  });

  test('narrowing on type narrows data', () => {
    expectTypeOf<Extract<EventOf<OpenAIResponseEventMap>, { type: 'response.output_text.delta' }>['data']['delta']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<EventOf<OpenAIResponseEventMap>, { type: 'response.completed' }>['data']['response']['id']>().toEqualTypeOf<string>();
  });
});

describe('Anthropic Messages event map (@anthropic-ai/sdk 1.17.0)', () => {
  test('every RawMessageStreamEvent type is a key of the map, plus error and unknown (the SDK union has no ping or error)', () => {
    expectTypeOf<RawMessageStreamEvent['type']>().toExtend<keyof AnthropicMessageEventMap>();
    expectTypeOf<Exclude<keyof AnthropicMessageEventMap, RawMessageStreamEvent['type']>>().toEqualTypeOf<'error' | 'unknown'>();
  });

  test('every event the SDK declares is accepted as its payload', () => {
    expectTypeOf<Rejected<RawMessageStreamEvent, AnthropicMessageEventMap>>().toBeNever();
  });

  test('known names exactly the keys; the terminal events are message_stop and error', () => {
    expectTypeOf<(typeof anthropic.known)[number]>().toEqualTypeOf<keyof AnthropicMessageEventMap>();
    expectTypeOf<(typeof anthropic.terminal)[number]>().toEqualTypeOf<'message_stop' | 'error'>();
  });

  test('narrowing on the delta type narrows it', () => {
    type Delta = Extract<EventOf<AnthropicMessageEventMap>, { type: 'content_block_delta' }>['data']['delta'];
    expectTypeOf<Extract<Delta, { type: 'input_json_delta' }>['partial_json']>().toEqualTypeOf<string>();
  });
});
