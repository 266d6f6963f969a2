// Runs one doc snippet for real, from a fresh project: starts the reference server of the
// installed `runstream/testing`, points the snippet at it (scripts/check-new-user.mjs replaced the
// snippet's base URL with process.env.RUNSTREAM_BASE_URL and transpiled it to the file named by
// argv[2]), imports it, and prints the event types its `for await` loops received as the last
// line: `RESULT {"seen":[…]}`. The loop is observed by wrapping EventStream's iterator, so the
// snippet itself runs unchanged.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { EventStream } from 'runstream';
import { startReferenceServer } from 'runstream/testing';

const server = await startReferenceServer();
const seen = [];
const iterate = EventStream.prototype[Symbol.asyncIterator];
EventStream.prototype[Symbol.asyncIterator] = function () {
  const iterator = iterate.call(this);
  return {
    async next(...args) {
      const result = await iterator.next(...args);
      if (!result.done) seen.push(result.value.type);
      return result;
    },
    return: iterator.return && ((...args) => iterator.return(...args)),
    throw: iterator.throw && ((...args) => iterator.throw(...args)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
};
process.env.RUNSTREAM_BASE_URL = server.url;
// The key the reference server accepts, for snippets that read it from the environment or use
// the prelude's free `apiKey`.
process.env.CREWSHIP_API_KEY = 'test-key';
globalThis.apiKey = 'test-key';
try {
  await import(pathToFileURL(resolve(process.argv[2])).href);
} finally {
  await server.close();
}
console.log(`RESULT ${JSON.stringify({ seen })}`);
