// The 10-step scenario every runtime must pass, on the packed package and the fake Eden AI
// server. Plain JavaScript: Workers, edge-runtime, Bun and Deno run it as it is (bundled or not).
import {
  AlertSystem,
  CallbackNotifier,
  CustomTokenClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  Secret,
  TokenRegistry,
  verifyWebhook,
  WebhookNotifier,
  WebhookVerificationError,
} from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/**
 * Runs the steps; returns those that passed and, when one fails, its error. `listen: true` serves
 * the fake on 127.0.0.1 (Node, Bun, Deno); otherwise it answers in-process through its `fetch`.
 */
export async function scenario({ listen = false } = {}) {
  const done = [];
  const step = (name) => done.push(name);
  let fake;
  try {
    fake = await createFakeEdenAI({ listen });
    const client = new CustomTokenClient(fake.clientOptions);
    check((await client.list()).length === 0, 'a new fake has no tokens');
    step('client');

    const secrets = new MemorySecretStore();
    const registry = new TokenRegistry({
      backend: client,
      secrets,
      environments: { prod: { tokenType: 'api_token', budget: { default: 50 }, expiry: { defaultDays: 5 } } },
    });
    const token = await registry.create({ environment: 'prod', app: 'web-app' });
    check(token.name === 'prod-web-app' && token.budget === 50, 'created prod-web-app with its budget');
    step('registry.create');

    const listed = await registry.list();
    check(listed.length === 1 && listed[0].name === 'prod-web-app', 'the registry lists the token');
    step('registry.list');

    const stored = await secrets.get(token.secretRef);
    const value = stored.value.reveal();
    check(/^[0-9a-f]{8}$/.test(stored.value.fingerprint), 'a fingerprint is 8 hex digits');
    check(new Secret(value).fingerprint === stored.value.fingerprint, 'the fingerprint is stable');
    check(!String(stored.value).includes(value) && !JSON.stringify(stored).includes(value), 'never printed');
    step('secret.fingerprint');

    const rotation = new RotationManager({ registry, state: new MemoryStateStore(), gracePeriodMs: 0 });
    const rotated = await rotation.rotate('prod-web-app');
    const after = await secrets.get(token.secretRef);
    check(rotated.status === 'completed' && rotated.generation === 2, 'rotated to generation 2');
    check(after.value.reveal() !== value, 'the store holds the new value');
    step('rotate');

    const received = [];
    const alerts = new AlertSystem({
      registry,
      notifiers: [new CallbackNotifier((batch) => received.push(...batch))],
    });
    await alerts.run();
    check(
      received.some((a) => a.kind === 'expiring' && a.token === 'prod-web-app'),
      'the callback got the expiry alert',
    );
    step('alerts.run');

    const secret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;
    let sent;
    const webhook = new WebhookNotifier({
      url: 'https://hooks.example.com/edenai',
      secret,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        sent = { body: await request.text(), headers: request.headers };
        return new Response(null, { status: 204 });
      },
    });
    await webhook.notify(received);
    check(sent?.headers.get('webhook-signature')?.startsWith('v1,'), 'the request is signed');
    step('webhook.sign');

    const payload = verifyWebhook(sent.body, sent.headers, secret);
    check(payload.data.alerts.length === received.length, 'the verified payload carries the alerts');
    step('webhook.verify');

    const tampered = sent.body.replace('prod-web-app', 'prod-web-apq');
    let refused;
    try {
      verifyWebhook(tampered, sent.headers, secret);
    } catch (error) {
      refused = error;
    }
    check(
      refused instanceof WebhookVerificationError && refused.reason === 'invalid_signature',
      'a tampered body is refused',
    );
    step('webhook.tampered');

    await fake.close();
    step('close');
    return { steps: done };
  } catch (error) {
    await fake?.close();
    return { steps: done, error: String(error?.stack ?? error) };
  }
}
