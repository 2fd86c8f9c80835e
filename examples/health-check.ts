// The tutorial's main.py health check: expiring tokens, low balances, tokens by environment.
// Each new alert goes to the console once (state keeps what was sent: run it every few minutes).
// Exit code: 0 healthy or warnings only, 2 when an alert is critical — cron and CI can act on it.
// Against Eden AI with EDENAI_API_KEY; without it, on the fake with 80 days of history.
// Run: node --import tsx examples/health-check.ts
import { AlertSystem, ConsoleNotifier, formatHealthReport, TokenRegistry } from 'edenai-token-manager';
import { connect, environments } from './connect.js';

const { backend, secrets, state, clock, close } = await connect({ history: 80 });
const registry = new TokenRegistry({
  backend,
  secrets,
  environments,
  clock,
});
const alerts = new AlertSystem({ registry, notifiers: [new ConsoleNotifier()], state, clock });

try {
  const report = await alerts.run();
  console.log('\n📊 Token Health Check');
  console.log(formatHealthReport(report));
  for (const failure of report.failures)
    console.error(`notifier ${failure.notifier} failed: ${failure.error.message}`);
  process.exitCode = report.alerts.some((a) => a.severity === 'critical') ? 2 : 0;
} finally {
  await close();
}
