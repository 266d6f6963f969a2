/**
 * Long lines and a 10 MiB event through `connect()` over a real socket. One byte per write
 * would take millions of writes, so these run whole and in seeded random splits of a bounded
 * number of writes (harness.ts `chunkingsOf()` with `maxWrites`).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startLoopback, type Loopback } from '../helpers/loopback.js';
import { defineVector } from './harness.js';
import { largeVectors } from './vectors.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

describe('very long lines and very large events over a real socket', () => {
  for (const vector of largeVectors()) defineVector(vector, () => loopback, vector.maxWrites);
});
