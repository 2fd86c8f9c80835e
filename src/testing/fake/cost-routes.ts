// /v2/cost_management/ and /v2/cost_management/credits/.

import { fromNanos } from '../../core/money.js';
import type { FakeContext } from './context.js';
import { parseCostQuery } from './cost-query.js';
import { buildCostReport } from './cost-report.js';
import { json, notFound, validationError } from './responses.js';

export function costReport(ctx: FakeContext, url: URL): Response {
  const parsed = parseCostQuery(url.searchParams, ctx.maxCostRangeDays);
  if (!parsed.ok) return validationError(parsed.errors);
  const report = buildCostReport(ctx.store.usage(), parsed.query);
  // Eden documents 404 for "no data found for the specified filters".
  return report ? json(200, report) : notFound();
}

export function credits(ctx: FakeContext): Response {
  return json(200, { credits: fromNanos(ctx.store.credits) });
}
