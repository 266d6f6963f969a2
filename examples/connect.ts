/** The low-level entry: any SSE endpoint, GET or POST, with headers and JSON decoding. */
import { connect } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();

type Events = { step_start: { message: string }; done: { status: string } };
const stream = connect<Events>(`${baseUrl}/v1/skills/my.skill/execute/stream`, {
  method: 'POST',
  headers: { 'x-api-key': apiKey },
  body: { inputs: { text: 'hi' } },
  json: true,
});
stream.addEventListener('step_start', (event) => console.log('step', event.data.message));
stream.addEventListener('done', (event) => {
  console.log('done', event.data.status);
  stream.close();
});
await stream.finished;
await server?.close();
