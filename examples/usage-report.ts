// The tutorial's usage report: cost and calls per environment over the last 30 days, in text,
// json, csv, md or html. Against Eden AI with EDENAI_API_KEY; without it, on the fake with 45
// days of traffic.
// Run: node --import tsx examples/usage-report.ts [text|json|csv|md|html] > report.txt
import {
  formatUsageReport,
  TokenRegistry,
  USAGE_REPORT_FORMATS,
  UsageMonitor,
  type UsageReportFormat,
} from 'edenai-token-manager';
import { connect, environments } from './connect.js';

const format = (process.argv[2] ?? 'text') as UsageReportFormat;
if (!USAGE_REPORT_FORMATS.includes(format)) {
  console.error(`usage: usage-report.ts [${USAGE_REPORT_FORMATS.join('|')}]`);
  process.exit(2);
}

const { backend, usageSource, secrets, clock, close } = await connect({ history: 45 });
const registry = new TokenRegistry({
  backend,
  secrets,
  environments,
  clock,
});
const monitor = new UsageMonitor({ registry, source: usageSource, clock });

try {
  const to = clock();
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const report = await monitor.report({ from, to });
  process.stdout.write(formatUsageReport(report, format));
} finally {
  await close();
}
