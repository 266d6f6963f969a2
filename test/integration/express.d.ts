// The few express 5 types the A2A test server uses (express ships no types; @types/express is
// not a dev dependency).
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  interface Request extends IncomingMessage {
    path: string;
    body: unknown;
  }
  interface Response extends ServerResponse {
    req: Request;
  }
  type Handler = (req: Request, res: Response, next: () => void) => void;
  interface Application {
    use(...handlers: unknown[]): Application;
    listen(port: number, host: string, callback: () => void): Server;
  }
  interface Express {
    (): Application;
    json(options?: { type?: string[] }): Handler;
  }
  const express: Express;
  export default express;
  export type { Request, Response };
}
