// The loopback SSE server: 127.0.0.1 only, pre-encoded buffers, each body written in one
// `end()` so the client, not the server, is the bottleneck. It counts requests per tag (`?k=`)
// and TCP connections, so the parent can check that a measured client made exactly the
// requests it should (a client that silently reconnected and re-read the corpus must not look
// correct).
import http from 'node:http';

/**
 * @param {Record<string, { bytes: Buffer, warm: Buffer }>} corpora
 * @param {Buffer} first the single event that `/first` answers with
 */
export async function startServer(corpora, first) {
  const requests = new Map();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const tag = url.searchParams.get('k') ?? '';
    requests.set(tag, (requests.get(tag) ?? 0) + 1);
    const [, kind, name] = url.pathname.split('/');
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    if (kind === 'first') {
      // A fresh TCP connection per request: time to first event includes the handshake.
      res.writeHead(200, { ...headers, connection: 'close' });
      res.end(first);
      return;
    }
    const corpus = corpora[name];
    if (!corpus || (kind !== 'corpus' && kind !== 'warm')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, headers);
    res.end(kind === 'warm' ? corpus.warm : corpus.bytes);
  });
  server.on('connection', (socket) => {
    connections++;
    socket.setNoDelay(true);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    requests: (tag) => requests.get(tag) ?? 0,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
