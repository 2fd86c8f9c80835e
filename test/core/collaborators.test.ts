// Collaborators are checked when a class is built: a logger missing a method would otherwise throw
// after a request landed (a token created at Eden, then an orphan), far from the real cause.
import {
  AlertSystem,
  ConfigurationError,
  ConsoleNotifier,
  CustomTokenClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';

const backend = new CustomTokenClient({ apiKey: 'sk-test-collaborators', maxRequestsPerSecond: false });
const registry = new TokenRegistry({ backend, secrets: new MemorySecretStore(), environments: { dev: {} } });
const noDebug = { info() {}, warn() {}, error() {} };

describe.each([
  [
    'CustomTokenClient',
    (logger: unknown) => new CustomTokenClient({ apiKey: 'sk-test-x', logger: logger as never }),
  ],
  [
    'TokenRegistry',
    (logger: unknown) =>
      new TokenRegistry({
        backend,
        secrets: new MemorySecretStore(),
        environments: { dev: {} },
        logger: logger as never,
      }),
  ],
  [
    'RotationManager',
    (logger: unknown) =>
      new RotationManager({ registry, state: new MemoryStateStore(), logger: logger as never }),
  ],
  ['AlertSystem', (logger: unknown) => new AlertSystem({ registry, notifiers: [], logger: logger as never })],
])('%s', (_name, build) => {
  it('refuses a logger without debug, naming what is missing', () => {
    expect(() => build(noDebug)).toThrow(ConfigurationError);
    expect(() => build(noDebug)).toThrow(/logger is missing debug/);
  });
  it('refuses a logger that is not an object', () => {
    expect(() => build('console')).toThrow(ConfigurationError);
  });
  it('accepts console', () => {
    expect(() => build(console)).not.toThrow();
  });
});

it('ConsoleNotifier needs only info, warn and error of its logger', () => {
  expect(() => new ConsoleNotifier({ logger: noDebug })).not.toThrow();
  expect(() => new ConsoleNotifier({ logger: { info() {}, error() {} } as never })).toThrow(
    /logger is missing warn/,
  );
});
