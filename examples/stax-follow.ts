/** Tail one stax run from the runner's never-ending event bus. */
import { Runstream } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, server } = await target();
const client = new Runstream({ baseUrl });

const runId = process.argv[2] ?? 'a1b2c3d4';
if (server) setTimeout(() => server.staxStartRun(runId), 200);
for await (const event of client.runner.follow(runId)) {
  if (event.type === 'step.log') process.stdout.write(event.data.line);
  else console.log(event.type);
}
await server?.close();
