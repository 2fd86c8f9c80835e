// node:http adapter: turns IncomingMessage into a Request, writes the Response back, and destroys
// the socket when the handler says the connection drops.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeHandler } from './handler.js';

export interface HttpServer {
  origin: string;
  close(): Promise<void>;
}

async function serveNode(handler: FakeHandler, origin: string, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = chunks.length > 0 && method !== 'GET' && method !== 'HEAD';
  let response: Response;
  try {
    response = await handler(
      new Request(`${origin}${req.url ?? '/'}`, {
        method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
        signal: aborted.signal,
      }),
    );
  } catch {
    req.socket.destroy();
    return;
  }
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    out[key] = value;
  });
  res.writeHead(response.status, out);
  res.end(body);
}

/** Listens on 127.0.0.1:`port` (0: any free port). */
export function listen(handler: FakeHandler, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    let origin = '';
    const server: Server = createServer((req, res) => {
      serveNode(handler, origin, req, res).catch(() => req.socket.destroy());
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        origin,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
