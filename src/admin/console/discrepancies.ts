import type { SettlementDiscrepancyRow } from '../../settlements/settlements.table.js';
import { html, type Html } from '../html.js';
import { table } from './layout.js';

/** Settlement discrepancies still open (`settlements discrepancies`). */
export function discrepanciesSection(rows: SettlementDiscrepancyRow[]): Html {
  return html`<h3>Settlement discrepancies</h3>
    ${table(
      ['found', 'kind', 'order', 'detail'],
      rows.map(
        (d) =>
          html`<tr data-discrepancy="${d.id}">
            <td>${d.found_at}</td>
            <td>${d.kind}</td>
            <td>
              ${
                d.amazon_order_id
                  ? html`<a href="/console/companies/${d.company_id}/orders/${d.amazon_order_id}"
                      >${d.amazon_order_id}</a
                    >`
                  : ''
              }
            </td>
            <td><code>${JSON.stringify(d.detail)}</code></td>
          </tr>`,
      ),
    )}`;
}
