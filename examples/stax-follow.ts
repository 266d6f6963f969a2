/**
 * Start a stax run and follow it from its first event to its outcome; or, with a run id as the
 * argument, follow a run that is already going (its state so far arrives as a `resync` event).
 * `npx tsx --tsconfig examples/tsconfig.json examples/stax-follow.ts [runId]`
 */
import { Stax } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, server } = await target();
const stax = new Stax({ baseUrl });

const runId = process.argv[2];
const stream = runId ? stax.runner.stream(runId) : stax.runner.start({ workflow: 'build' });
for await (const event of stream) {
  if (event.type === 'step.log') process.stdout.write(event.data.line);
  else if (event.type === 'resync') console.log('state so far:', event.data.run?.status);
  else console.log(event.type);
}
console.log('outcome:', stream.outcome?.type); // 'completed', 'failed' or 'cancelled'
await server?.close();
