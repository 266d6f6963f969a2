/**
 * The metrics of `runstream/otel`: the instruments, made once per meter provider, and what one
 * stream records in them. Names follow the OpenTelemetry metric naming guidelines (v1.45.0):
 * durations in seconds (`s`), counts with a `{unit}` annotation, dot-separated `runstream.*`
 * names (no semantic convention covers event streams).
 *
 * @see https://opentelemetry.io/docs/specs/semconv/general/metrics/
 * @module
 * @internal
 */
import type { Attributes, Counter, Histogram, Meter, MeterProvider, UpDownCounter } from '@opentelemetry/api';
import type { StreamLifecycleEvent } from '../core/lifecycle.js';
import { errorType } from './attributes.js';

/** Bucket boundaries of the time to the first event, in seconds (the HTTP client duration's, up to a minute). */
const FIRST_EVENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];
/** Bucket boundaries of a stream's duration, in seconds: streams last from a second to hours. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400];

/** The instruments of one meter. */
export class StreamInstruments {
  readonly firstEvent: Histogram;
  readonly duration: Histogram;
  readonly events: Counter;
  readonly reconnects: Counter;
  readonly gaps: Counter;
  readonly outcomes: Counter;
  readonly open: UpDownCounter;

  constructor(meter: Meter) {
    this.firstEvent = meter.createHistogram('runstream.stream.time_to_first_event', {
      unit: 's',
      description: 'Time from a stream\'s start (its first request) to its first delivered event.',
      advice: { explicitBucketBoundaries: FIRST_EVENT_BUCKETS },
    });
    this.duration = meter.createHistogram('runstream.stream.duration', {
      unit: 's',
      description: 'Time from a stream\'s start to its end, across every reconnect.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.events = meter.createCounter('runstream.stream.events', { unit: '{event}', description: 'Events delivered to the consumer (keepalives and comments not counted).' });
    this.reconnects = meter.createCounter('runstream.stream.reconnects', { unit: '{reconnect}', description: 'Reconnects scheduled, by cause and by where the delay came from.' });
    this.gaps = meter.createCounter('runstream.stream.gaps', { unit: '{gap}', description: 'Reconnects after which the events sent meanwhile could not be recovered.' });
    this.outcomes = meter.createCounter('runstream.stream.outcomes', { unit: '{stream}', description: 'Streams ended, by outcome.' });
    this.open = meter.createUpDownCounter('runstream.stream.open', { unit: '{stream}', description: 'Streams started and not yet ended (waiting to reconnect included).' });
  }
}

/**
 * The instruments of `provider`, made on first use and kept as long as the provider: a meter
 * provider registered after `instrument()` was called is used by the streams started after.
 */
const cache = new WeakMap<MeterProvider, StreamInstruments>();

/** The instruments of `provider`'s `runstream` meter. */
export function instrumentsOf(provider: MeterProvider, scope: string): StreamInstruments {
  let instruments = cache.get(provider);
  if (!instruments) cache.set(provider, (instruments = new StreamInstruments(provider.getMeter(scope))));
  return instruments;
}

/**
 * What one stream records: `open` +1 at its start and −1 at its end, a count of each event,
 * reconnect and gap as it happens, and at the end the outcome and the durations. Every data
 * point carries `runstream.platform` (a resource's stream only); outcomes and durations also
 * `runstream.outcome` (and `error.type` for `'error'`), reconnects `runstream.reconnect.cause`
 * and `runstream.reconnect.delay_source`.
 */
export class StreamMetrics {
  readonly #instruments: StreamInstruments;
  readonly #attributes: Attributes;
  #started: number | undefined;
  #firstEvent = false;

  constructor(instruments: StreamInstruments, platform: string | undefined) {
    this.#instruments = instruments;
    this.#attributes = platform === undefined ? {} : { 'runstream.platform': platform };
  }

  /** The stream started (its first consumer): it counts as open. */
  start(): void {
    if (this.#started !== undefined) return;
    this.#started = performance.now();
    this.#instruments.open.add(1, this.#attributes);
  }

  /** The feature's `event` hook: one more event delivered. */
  event(): void {
    const instruments = this.#instruments;
    instruments.events.add(1, this.#attributes);
    if (!this.#firstEvent && this.#started !== undefined) {
      this.#firstEvent = true;
      instruments.firstEvent.record((performance.now() - this.#started) / 1000, this.#attributes);
    }
  }

  /** The stream's observer (every step but `event`: see {@link StreamMetrics.event}). */
  step(step: StreamLifecycleEvent): void {
    const instruments = this.#instruments;
    switch (step.type) {
      case 'connecting':
        return this.start();
      case 'reconnect':
        instruments.reconnects.add(1, {
          ...this.#attributes,
          'runstream.reconnect.cause': step.cause ? errorType(step.cause) : 'server-closed',
          'runstream.reconnect.delay_source': step.delaySource,
        });
        return;
      case 'resync':
        if (!step.recovered) instruments.gaps.add(1, this.#attributes);
        return;
      case 'end': {
        if (this.#started === undefined) return;
        const outcome = step.outcome;
        const attributes: Attributes = { ...this.#attributes, 'runstream.outcome': outcome.type };
        if (outcome.type === 'error' && outcome.error) attributes['error.type'] = errorType(outcome.error);
        instruments.outcomes.add(1, attributes);
        instruments.duration.record((performance.now() - this.#started) / 1000, attributes);
        instruments.open.add(-1, this.#attributes);
        this.#started = undefined;
        return;
      }
      default:
        return;
    }
  }
}
