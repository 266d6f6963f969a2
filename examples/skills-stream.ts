/** POST-body streaming: run a skill and stream its steps; a failed `done` becomes a typed error. */
import { SkillsEngine, StreamError } from 'runstream';
import { target } from './_setup.js';

const { baseUrl, apiKey, server } = await target();
const client = new SkillsEngine({ baseUrl, apiKey });

try {
  for await (const event of client.skills.start('my.skill', { inputs: { text: 'Hello world' } })) {
    if (event.type === 'done') console.log('result', event.data.outputs);
    else console.log(event.type, event.data.message);
  }
} catch (error) {
  if (error instanceof StreamError && error.code === 'server-error-event') console.error('skill failed, trace', error.traceId);
  else throw error;
}
await server?.close();
