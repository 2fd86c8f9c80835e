// TokenRegistry's audit trail: one event per write, before → after, actor and reason; failures too.
import {
  type AuditEvent,
  CallbackAuditSink,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../helpers/memory-backend.js';
import { ENVIRONMENTS, manualClock } from '../registry/world.js';

function world() {
  const events: AuditEvent[] = [];
  const clock = manualClock();
  const registry = new TokenRegistry({
    backend: new MemoryBackend({ values: 'onCreate' }),
    secrets: new MemorySecretStore(),
    environments: ENVIRONMENTS,
    clock,
    audit: new CallbackAuditSink((e) => events.push(...e)),
    actor: 'deploy-bot',
  });
  return { registry, events, clock };
}

describe('TokenRegistry audit events', () => {
  it('records create, budget, top-up, extend and revoke with their changes', async () => {
    const { registry, events } = world();
    await registry.create({ environment: 'prod', app: 'web-app', budget: 100 }, { reason: 'launch' });
    await registry.setBudget('prod-web-app', 250, { actor: 'alice', reason: 'more traffic' });
    await registry.topUp('prod-web-app', 50);
    await registry.extend('prod-web-app', 30);
    await registry.revoke('prod-web-app', { reason: 'decommissioned' });
    expect(events.map((e) => [e.action, e.actor, e.reason, e.outcome])).toEqual([
      ['token.created', 'deploy-bot', 'launch', 'success'],
      ['token.budget-set', 'alice', 'more traffic', 'success'],
      ['token.topped-up', 'deploy-bot', undefined, 'success'],
      ['token.extended', 'deploy-bot', undefined, 'success'],
      ['token.revoked', 'deploy-bot', 'decommissioned', 'success'],
    ]);
    expect(events[0]).toMatchObject({
      token: 'prod-web-app',
      tokenName: 'prod-web-app',
      generation: 1,
      environment: 'prod',
      changes: { budget: { before: null, after: 100 }, balance: { before: null, after: 100 } },
    });
    expect(events[1]!.changes).toMatchObject({
      budget: { before: 100, after: 250 },
      balance: { before: 100, after: 250 },
    });
    expect(events[2]!.changes).toMatchObject({ balance: { before: 250, after: 300 } });
    expect(Object.keys(events[3]!.changes!)).toEqual(['expireTime']);
    expect(events[4]!.changes).toEqual({ generations: { before: 'prod-web-app', after: null } });
    expect(JSON.stringify(events)).not.toMatch(/sk-|mem-/);
  });

  it('records a refused write as a failure, with the error code', async () => {
    const { registry, events } = world();
    await registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    await expect(registry.setBudget('prod-web-app', 5000)).rejects.toThrow();
    expect(events.at(-1)).toMatchObject({
      action: 'token.budget-set',
      outcome: 'failure',
      error: { code: 'policy_violation' },
    });
  });

  it('records apply’s actions with the reason of the run', async () => {
    const { registry, events } = world();
    await registry.create({ environment: 'staging', app: 'old' });
    const plan = await registry.plan({ staging: { 'web-app': { budget: 60 } } }, { prune: true });
    await registry.apply(plan, { reason: 'config v2', actor: 'ci' });
    expect(events.slice(1).map((e) => [e.action, e.token, e.actor, e.reason])).toEqual(
      expect.arrayContaining([
        ['token.created', 'staging-web-app', 'ci', 'config v2'],
        ['token.revoked', 'staging-old', 'ci', 'config v2'],
      ]),
    );
  });
});

describe('RotationManager audit events', () => {
  it('records started, promoted and finalized; a leak response too', async () => {
    const { registry, clock } = world();
    const events: AuditEvent[] = [];
    await registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    const manager = new RotationManager({
      registry,
      state: new MemoryStateStore(),
      audit: new CallbackAuditSink((e) => events.push(...e)),
      actor: 'rotator',
      gracePeriodMs: 3_600_000,
    });
    await manager.rotate('prod-web-app');
    clock.advanceDays(1);
    await manager.finalize();
    await manager.respondToLeak('prod-web-app', { reason: 'leaked in a log' });
    expect(events.map((e) => e.action)).toEqual([
      'rotation.started',
      'rotation.promoted',
      'rotation.finalized',
      'rotation.started',
      'rotation.promoted',
      'rotation.finalized',
      'token.leak-response',
    ]);
    expect(events[1]).toMatchObject({
      actor: 'rotator',
      token: 'prod-web-app',
      tokenName: 'prod-web-app--g2',
      generation: 2,
      environment: 'prod',
      changes: { tokenName: { before: 'prod-web-app', after: 'prod-web-app--g2' } },
    });
    expect(events.at(-1)).toMatchObject({ actor: 'rotator', reason: 'leaked in a log' });
  });
});
