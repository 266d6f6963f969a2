/** Tail one stax run from the runner's never-ending event bus. */
import { Stax } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, server } = await target();
const client = new Stax({ baseUrl });

const runId = process.argv[2] ?? 'a1b2c3d4';
// The reference server starts the run once we are subscribed (the bus does not replay).
const onOpen = server ? () => void server.staxStartRun(runId) : undefined;
for await (const event of client.runner.follow(runId, { onOpen })) {
  if (event.type === 'step.log') process.stdout.write(event.data.line);
  else console.log(event.type);
}
await server?.close();
