import type { Alert } from 'edenai-token-manager';

export function alert(patch: Partial<Alert> = {}): Alert {
  return {
    id: 'expiring:prod-web-app:g1:7d',
    kind: 'expiring',
    severity: 'warning',
    token: 'prod-web-app',
    tokenName: 'prod-web-app',
    generation: 1,
    environment: 'prod',
    message: 'prod-web-app expires in 7 days (2024-03-08)',
    at: new Date('2024-03-01T09:00:00Z'),
    threshold: 7,
    daysToExpiry: 7,
    ...patch,
  };
}

/** A sleep that records the delays it was asked for and returns at once. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}
