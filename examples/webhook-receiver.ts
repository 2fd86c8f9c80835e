// Receives the alerts WebhookNotifier sends and checks their signature with verifyWebhook:
// a forged, tampered or replayed request gets 401 and is never trusted.
// Point a WebhookNotifier at it: new WebhookNotifier({ url: 'http://127.0.0.1:8787/', secret }).
// Run: WEBHOOK_SECRET=whsec_... PORT=8787 node --import tsx examples/webhook-receiver.ts
import { createServer, type IncomingMessage } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from 'edenai-token-manager';

const secret = process.env['WEBHOOK_SECRET'];
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the secret the WebhookNotifier signs with');
  process.exit(3);
}

async function rawBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8'); // verify the exact bytes received, before parsing
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  const body = await rawBody(req);
  try {
    const payload = verifyWebhook(body, req.headers, secret);
    for (const alert of payload.data.alerts) {
      console.log(`${alert.severity.toUpperCase()} ${alert.environment}/${alert.token}: ${alert.message}`);
    }
    res.writeHead(204).end();
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    console.warn(`rejected a webhook: ${error.reason}`);
    res.writeHead(401).end();
  }
});

server.listen(Number(process.env['PORT'] ?? 8787), '127.0.0.1', () => {
  const address = server.address();
  console.log(
    `listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : '?'}/`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close());
