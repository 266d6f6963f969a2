/**
 * Where `persist` keeps a stream's progress (see `PersistOptions`): the default storage,
 * reading a stored entry back, deleting it. Every access is guarded: storage may throw (a full
 * quota, a privacy mode) and a stored entry may be anything.
 *
 * @module
 */
import type { PersistStorage } from './types.js';

/** Least time between two writes of `persist`, in ms; the last batch is written after it. */
export const SAVE_INTERVAL = 250;

/** What `persist` stores under its key. */
export interface Persisted {
  lastEventId: string;
  events: unknown[];
  value: unknown;
}

/** `localStorage` when the environment has a usable one (it throws in some privacy modes). */
export function defaultStorage(): PersistStorage | undefined {
  try {
    return (globalThis as { localStorage?: PersistStorage }).localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The stored entry under `key`, when there is a well-formed one. */
export function restore(storage: PersistStorage, key: string): Persisted | undefined {
  try {
    const text = storage.getItem(key);
    if (!text) return undefined;
    const parsed = JSON.parse(text) as Partial<Persisted> | null;
    // Without an id there is nothing to resume from: the stream starts afresh, and what was shown
    // would be shown twice.
    if (!parsed || typeof parsed.lastEventId !== 'string' || !parsed.lastEventId || !Array.isArray(parsed.events)) return undefined;
    return { lastEventId: parsed.lastEventId, events: parsed.events, value: parsed.value };
  } catch {
    return undefined;
  }
}

/** Deletes the entry under `key`. */
export function forget(storage: PersistStorage, key: string): void {
  try {
    if (storage.removeItem) storage.removeItem(key);
    else storage.setItem(key, '');
  } catch {
    // Nothing to do: a later mount resumes from the stored id, and the server answers what is left.
  }
}
