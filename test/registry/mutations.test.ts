import { InvalidInputError, NotFoundError, PolicyViolationError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS, type Api, DAY, type FakeWorld, fakeWorld, NOW } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const fakeToken = (name: string) => world.fake.tokens().find((t) => t.name === name);

async function tokensOn(api: Api) {
  world = await fakeWorld({ api });
  const r = world.registry;
  await r.create({ environment: 'prod', app: 'web' }); // $500 monthly, expires in 90 days
  await r.create({ environment: 'staging', app: 'web' }); // $50, expires in 90 days
  await r.create({ environment: 'dev', app: 'web' }); // unlimited, no expiry
  world.fake.resetRequestLog();
  return r;
}

describe.each(APIS)('registry mutations on %s', (api) => {
  const withTokens = () => tokensOn(api);

  describe('setBudget', () => {
    it('sets balance and, with a reset period, the reset amount', async () => {
      const r = await withTokens();
      const t = await r.setBudget('prod-web', 800);
      expect(t).toMatchObject({ balance: 800, activeBalance: true, balanceResetAmount: 800 });
      expect(fakeToken('prod-web')).toMatchObject({ balance: 800, balanceResetAmount: 800 });
      expect(world.writes()).toEqual(['PATCH prod-web']);
    });

    it('gives an unlimited token a budget; without a period no reset amount is set', async () => {
      const r = await withTokens();
      await r.setBudget('dev-web', 20);
      expect(fakeToken('dev-web')).toMatchObject({
        balance: 20,
        activeBalance: true,
        balanceResetAmount: null,
      });
    });

    it('enforces budget.max and changes nothing', async () => {
      const r = await withTokens();
      const err = await r.setBudget('staging-web', 150).catch((e) => e);
      expect(err).toBeInstanceOf(PolicyViolationError);
      expect(err.message).toBe("Budget $150 exceeds staging's maximum of $100 (rule budget.max)");
      expect(world.writes()).toEqual([]);
      expect(fakeToken('staging-web')?.balance).toBe(50);
    });

    it('rejects a negative amount before any request', async () => {
      const r = await withTokens();
      await expect(r.setBudget('staging-web', -5)).rejects.toThrow(InvalidInputError);
      expect(world.fake.requests).toEqual([]);
    });
  });

  describe('topUp', () => {
    it('adds to the current balance, exactly (no float noise)', async () => {
      const r = await withTokens();
      world.fake.simulateUsage({ token: 'staging-web', cost: 49.9 });
      expect((await r.topUp('staging-web', 0.2)).balance).toBe(0.3);
      expect(fakeToken('staging-web')?.balance).toBe(0.3);
    });

    it('keeps the periodic reset amount (a top-up is one-off)', async () => {
      const r = await withTokens();
      const t = await r.topUp('prod-web', 100);
      expect(t).toMatchObject({ balance: 600, balanceResetAmount: 500 });
    });

    it('refuses a balance above budget.max', async () => {
      const r = await withTokens();
      const err = await r.topUp('staging-web', 60).catch((e) => e);
      expect(err).toBeInstanceOf(PolicyViolationError);
      expect(err.message).toBe(
        "Balance after top-up $110 exceeds staging's maximum of $100 (rule budget.max)",
      );
      expect(world.writes()).toEqual([]);
    });

    it('a token without budget cannot be topped up (InvalidInputError, nothing written)', async () => {
      const r = await withTokens();
      await expect(r.topUp('dev-web', 10)).rejects.toThrow(/has no budget.*use setBudget/);
      await expect(r.topUp('staging-web', 0)).rejects.toThrow('must be greater than 0');
      expect(world.writes()).toEqual([]);
    });
  });

  describe('extend', () => {
    it('moves the expiry later by whole days, within expiry.maxDays of now', async () => {
      const r = await withTokens();
      expect((await r.extend('prod-web', 90)).expireTime).toEqual(at(180));
      expect(fakeToken('prod-web')?.expireTime).toEqual(at(180));
    });

    it('beyond expiry.maxDays is a violation naming the days; nothing changes', async () => {
      const r = await withTokens();
      const err = await r.extend('prod-web', 91).catch((e) => e);
      expect(err).toBeInstanceOf(PolicyViolationError);
      expect(err).toMatchObject({ rule: 'expiry.maxDays', value: 181, environment: 'prod' });
      expect(err.message).toContain("181 days away, beyond prod's maximum of 180 days (rule expiry.maxDays)");
      expect(fakeToken('prod-web')?.expireTime).toEqual(at(90));
      expect(world.writes()).toEqual([]);
    });

    it('counts from now when there is no expiry or it has passed', async () => {
      const r = await withTokens();
      expect((await r.extend('dev-web', 7)).expireTime).toEqual(at(7));
      world.clock.advanceDays(100); // staging-web expired 10 days ago
      expect((await r.extend('staging-web', 5)).expireTime).toEqual(at(105));
    });

    it('rejects days that are not a positive integer', async () => {
      const r = await withTokens();
      for (const days of [0, -1, 2.5, Number.NaN])
        await expect(r.extend('prod-web', days)).rejects.toThrow(InvalidInputError);
      expect(world.fake.requests).toEqual([]);
    });
  });

  describe('revoke', () => {
    it('deletes every live generation, then the SecretStore entry', async () => {
      const r = await withTokens();
      await world.backend.create({ name: 'prod-web--g2', tokenType: 'api_token' });
      await r.revoke('prod-web');
      expect(
        world.fake
          .tokens()
          .map((t) => t.name)
          .sort(),
      ).toEqual(['dev-web', 'staging-web']);
      expect(await world.secrets.get('edenai/prod-web')).toBeUndefined();
      expect(await world.secrets.get('edenai/dev-web')).toBeDefined();
    });

    it('a missing token is a NotFoundError; nothing is deleted', async () => {
      const r = await withTokens();
      const err = await r.revoke('prod-gone').catch((e) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toBe('Token "prod-gone" not found');
      expect(world.writes()).toEqual([]);
    });

    it('keeps the value while a generation could not be deleted', async () => {
      const r = await withTokens();
      world.fake.inject({ kind: 'status', status: 403, match: { method: 'DELETE' } });
      await expect(r.revoke('prod-web')).rejects.toThrow();
      expect(fakeToken('prod-web')).toBeDefined();
      expect(await world.secrets.get('edenai/prod-web')).toBeDefined();
    });
  });

  describe('writes target the current generation', () => {
    it('follows the SecretStore entry, and NotFoundError for a missing token', async () => {
      const r = await withTokens();
      await world.backend.create({
        name: 'prod-web--g2',
        tokenType: 'api_token',
        balance: 10,
        activeBalance: true,
      });
      // The entry still names generation 1 (say, a rotation has not promoted g2 yet).
      await r.setBudget('prod-web--g2', 700);
      expect(fakeToken('prod-web')?.balance).toBe(700);
      expect(fakeToken('prod-web--g2')?.balance).toBe(10);
      await expect(r.setBudget('prod-nope', 1)).rejects.toThrow(NotFoundError);
      await expect(r.extend('prod-nope', 1)).rejects.toThrow(NotFoundError);
      await expect(r.topUp('prod-nope', 1)).rejects.toThrow(NotFoundError);
    });
  });
});
