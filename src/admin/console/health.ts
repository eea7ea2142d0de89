import type { FastifyInstance } from 'fastify';
import { CANCEL_RATE_THRESHOLD, type CancelRate } from '../../cancellations/cancel-rate.js';
import { currentCancelRate } from '../../cancellations/current-cancel-rate.js';
import { listCompanies, type Company } from '../../companies/companies.service.js';
import { clockOf } from '../../context.js';
import { fulfillmentMetrics, type MarketplaceMetrics, type RateFigure } from '../../fulfillment/metrics.js';
import { html, type Html } from '../html.js';
import { page, table } from './layout.js';
import { rateChart, type RatePoint } from './rate-chart.js';

import { hidden, send, type ConsoleContext } from './http.js';

/** Days drawn in each chart, each point the figure over Amazon's window ending that day. */
const CHART_DAYS = 14;
const DAY_MS = 86_400_000;

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(2)} %`);

interface Figure {
  name: string;
  current: RateFigure;
  series: RatePoint[];
  /** Amazon's target is a maximum (late shipment, cancel rate) or a minimum (valid tracking). */
  atMost: boolean;
}

function figureRow(marketplace: string, f: Figure): Html {
  const { current } = f;
  return html`<tr data-figure="${f.name}">
    <td>${marketplace}</td>
    <td>${f.name}</td>
    <td>${percent(current.rate)} (${current.numerator}/${current.denominator})</td>
    <td>${f.atMost ? 'below' : 'at least'} ${percent(current.target)}</td>
    <td class="${current.meetsTarget === false ? 'bad' : 'ok'}">
      ${current.meetsTarget === null ? 'nothing to measure' : current.meetsTarget ? 'ok' : 'misses the target'}
    </td>
    <td>${rateChart(f.series, current.target, `${f.name}, ${marketplace}`)}</td>
  </tr>`;
}

function marketplaceFigures(days: Date[], history: MarketplaceMetrics[][], marketplaceId: string): Figure[] {
  const of = (d: number) => history[d]?.find((m) => m.marketplaceId === marketplaceId);
  const series = (pick: (m: MarketplaceMetrics) => RateFigure | undefined) =>
    days.map((at, d) => ({ at, rate: (of(d) && pick(of(d)!)?.rate) ?? null }));
  const latest = of(days.length - 1)!;
  return [
    ...latest.lateShipmentRate.map((current, i) => ({
      name: `late shipment, ${current.windowDays} days`,
      current,
      series: series((m) => m.lateShipmentRate[i]),
      atMost: true,
    })),
    {
      name: `valid tracking, ${latest.validTrackingRate.windowDays} days`,
      current: latest.validTrackingRate,
      series: series((m) => m.validTrackingRate),
      atMost: false,
    },
  ];
}

async function companyHealth(context: ConsoleContext, company: Company): Promise<Html> {
  const { app } = context.deps;
  const now = clockOf(app)();
  const days = Array.from(
    { length: CHART_DAYS },
    (_, i) => new Date(now.getTime() - (CHART_DAYS - 1 - i) * DAY_MS),
  );
  const history: MarketplaceMetrics[][] = [];
  const cancels: CancelRate[] = [];
  for (const at of days) {
    history.push(
      await fulfillmentMetrics(app.db, company.id, company.marketplaceIds, app.config.orders.atRiskHours, at),
    );
    cancels.push(await currentCancelRate(app.db, company.id, at));
  }
  const cancel = cancels.at(-1)!;
  const cancelFigure: Figure = {
    name: 'pre-fulfilment cancel, 7 days',
    current: {
      windowDays: 7,
      numerator: cancel.cancelledOrders,
      denominator: cancel.orders,
      rate: cancel.orders === 0 ? null : cancel.rate,
      target: CANCEL_RATE_THRESHOLD,
      meetsTarget: cancel.orders === 0 ? null : !cancel.aboveThreshold,
    },
    series: days.map((at, d) => ({ at, rate: cancels[d]!.orders === 0 ? null : cancels[d]!.rate })),
    atMost: true,
  };
  const rows = (history.at(-1) ?? []).flatMap((m) =>
    marketplaceFigures(days, history, m.marketplaceId).map((f) => figureRow(m.marketplaceId, f)),
  );
  return html`<h2>${company.name}</h2>
    ${table(
      ['marketplace', 'figure', 'rate', "Amazon's target", '', `last ${CHART_DAYS} days`],
      [...rows, figureRow('all', cancelFigure)],
    )}`;
}

/** Account health: Amazon's three seller-fulfilled figures against its targets, over its windows. */
export function healthPages(server: FastifyInstance, context: ConsoleContext): void {
  server.get('/console/health', hidden, async (_request, reply) => {
    const sections: Html[] = [];
    for (const company of await listCompanies(context.deps.app.db))
      sections.push(await companyHealth(context, company));
    return send(
      reply,
      page(
        'Account health',
        html`<p class="muted">
            Each point is the figure over Amazon's window ending that day; the dashed line is Amazon's target.
          </p>
          ${sections}`,
      ),
    );
  });
}
