import { type Alert, type AuditEvent, CallbackAuditSink, CallbackNotifier } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, HOUR, V2, V3, type World } from '../rotation/harness.js';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

describe.each([V2, V3])('RotationManager.respondToLeak on $label', (flavour) => {
  it('rotates with no grace, alerts, audits, and says what services must do', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    const leaked = world.fake.tokenValue('prod-web-app')!;
    const alerts: Alert[] = [];
    const events: AuditEvent[] = [];
    const manager = world.manager({ gracePeriodMs: 24 * HOUR });

    const result = await manager.respondToLeak('prod-web-app', {
      reason: 'pasted in a public issue',
      actor: 'alice@laptop',
      notifiers: [new CallbackNotifier((a) => alerts.push(...a))],
      audit: new CallbackAuditSink((e) => events.push(...e)),
    });

    expect(result.rotation.status).toBe('completed');
    // The leaked value works nowhere any more; the stored value is the one live token's.
    expect(world.fake.tokens().map((t) => world.fake.tokenValue(t.name))).not.toContain(leaked);
    expect(world.generations('prod-web-app')).toHaveLength(1);
    expect(await world.current('prod-web-app')).toEqual({
      tokenName: result.newTokenName,
      valueMatches: true,
    });
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'leaked-token',
        severity: 'critical',
        token: 'prod-web-app',
        environment: 'prod',
      }),
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'token.leak-response',
        token: 'prod-web-app',
        actor: 'alice@laptop',
        reason: 'pasted in a public issue',
        outcome: 'success',
      }),
    ]);
    expect(result.actions.join('\n')).toMatch(/Reload the new value from the secret store entry/);
    const text = JSON.stringify({ result, alerts, events });
    expect(text).not.toContain(leaked);
    expect(text).not.toContain(
      (await world.secrets.get(world.registry.secretRefFor('prod-web-app')))!.value.reveal(),
    );
  });

  it('finishes a rotation in its grace period first: both of its values may have leaked', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    const manager = world.manager({ gracePeriodMs: 24 * HOUR });
    await manager.rotate('prod-web-app');
    const before = world.generations('prod-web-app').map((t) => world.fake.tokenValue(t.name));
    expect(before).toHaveLength(2);

    const result = await manager.respondToLeak('prod-web-app', { reason: 'laptop stolen' });

    expect(result.revoked).toHaveLength(2);
    const live = world.generations('prod-web-app');
    expect(live).toHaveLength(1);
    for (const value of before) expect(world.fake.tokenValue(live[0]!.name)).not.toBe(value);
    expect(await world.current('prod-web-app')).toMatchObject({ valueMatches: true });
  });

  it('needs a reason', async () => {
    world = await createWorld({ flavour });
    await expect(world.manager().respondToLeak('prod-web-app', { reason: ' ' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
