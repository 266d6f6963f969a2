// @ts-check
/**
 * Entry of the matrix for workerd: a Worker whose fetch handler runs the shared suite and answers
 * with the report as JSON. `GET /?server=<reference-server-url>&control=<control-url>`.
 */
import { runSuite } from '../suite.js';

export default {
  /** @param {Request} request */
  async fetch(request) {
    const url = new URL(request.url);
    const server = url.searchParams.get('server');
    const control = url.searchParams.get('control');
    if (!server || !control) return new Response('missing ?server= or ?control=', { status: 400 });
    const report = await runSuite({ server, control, filter: url.searchParams.get('filter') ?? undefined });
    return Response.json({ runtime: { name: 'workerd', version: (/** @type {any} */ (globalThis).navigator?.userAgent) ?? '' }, ...report });
  },
};
