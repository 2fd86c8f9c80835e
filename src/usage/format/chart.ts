// A daily-spend bar chart as inline SVG: one bar per day with spend, on an axis spanning every
// day of the range. Pure markup, no script or external asset, so the report works offline.
import { parseDay } from '../../core/time.js';
import type { DailyUsage, DayRange } from '../types.js';
import { escapeHtml } from './escape.js';
import { formatCount, formatUsd } from './numbers.js';

const WIDTH = 720;
const HEIGHT = 180;
const LEFT = 72;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 24;

const n2 = (x: number) => String(Math.round(x * 100) / 100);

/** The days `dailySpendChart` draws a bar for: spend above zero, inside the range. */
export function barDays(range: DayRange, byDay: readonly DailyUsage[]): DailyUsage[] {
  return byDay.filter((d) => d.cost > 0 && d.date >= range.from && d.date <= range.to);
}

/** The chart of one scope (an environment, or unmanaged usage). `id` names it for scripts and tests. */
export function dailySpendChart(
  id: string,
  label: string,
  range: DayRange,
  byDay: readonly DailyUsage[],
): string {
  const first = parseDay(range.from)!;
  const days = parseDay(range.to)! - first + 1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / days;
  const barW = slot >= 3 ? slot * 0.8 : slot;
  const bars = barDays(range, byDay);
  const max = Math.max(0, ...bars.map((d) => d.cost));
  const title = `Daily spend, ${label}`;
  const out = [
    `<svg class="chart" data-chart="${escapeHtml(id)}" data-bars="${bars.length}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    `<line class="axis" x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - RIGHT}" y2="${TOP + plotH}"/>`,
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}"/>`,
    `<text class="tick" x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${escapeHtml(formatUsd(max))}</text>`,
    `<text class="tick" x="${LEFT - 6}" y="${TOP + plotH}" text-anchor="end">$0</text>`,
    `<text class="tick" x="${LEFT}" y="${HEIGHT - 6}">${escapeHtml(range.from)}</text>`,
    `<text class="tick" x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end">${escapeHtml(range.to)}</text>`,
  ];
  for (const d of bars) {
    // A tiny spend still gets a visible bar (1 unit), so "spent something" is never invisible.
    const h = Math.max(1, (d.cost / max) * plotH);
    const x = LEFT + (parseDay(d.date)! - first) * slot;
    const tip = `${d.date}: ${formatUsd(d.cost)}, ${formatCount(d.calls)} calls`;
    out.push(
      `<rect class="bar" x="${n2(x)}" y="${n2(TOP + plotH - h)}" width="${n2(barW)}" height="${n2(h)}"><title>${escapeHtml(tip)}</title></rect>`,
    );
  }
  if (bars.length === 0) {
    out.push(
      `<text class="empty" x="${LEFT + plotW / 2}" y="${TOP + plotH / 2}" text-anchor="middle">No spend in this period</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
