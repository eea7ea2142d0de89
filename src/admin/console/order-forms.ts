import { CANCEL_REASONS } from '../../cancellations/cancel-reasons.js';
import { describeCancelRate, type CancelRate } from '../../cancellations/cancel-rate.js';
import { CARRIER_CODES } from '../../fulfillment/carriers.js';
import { SHIP_NOW } from '../../fulfillment/shipment-input.js';
import type { OrderDetails } from '../../orders/orders.service.js';
import { ADJUSTMENT_REASONS } from '../../refunds/adjustment-codes.js';
import type { RefundableView } from '../../refunds/refunds.service.js';
import { html, type Html } from '../html.js';
import { FORM_KEY_FIELD, newFormKey } from './form-once.js';

/** The ship, cancel and refund forms of an order's page; the services decide what is allowed. */

function form(path: string, csrf: string, legend: string, body: Html, button: string): Html {
  return html`<form method="post" action="${path}" class="action" data-form="${legend}">
    <fieldset>
      <legend>${legend}</legend>
      <input type="hidden" name="csrf" value="${csrf}" />
      <input type="hidden" name="${FORM_KEY_FIELD}" value="${newFormKey()}" />
      ${body}
      <button>${button}</button>
    </fieldset>
  </form>`;
}

function options(values: readonly string[], selected?: string): Html[] {
  return values.map((v) => html`<option ${v === selected ? 'selected' : ''}>${v}</option>`);
}

export function unitsLeft(item: OrderDetails['items'][number]): number {
  return Math.max(item.quantityOrdered - item.quantityShipped - item.quantityCancelled, 0);
}

export function shipForm(base: string, csrf: string, details: OrderDetails): Html {
  const lines = details.items.map(
    (i) =>
      html`<label
        >${i.sku ?? i.orderItemId} (${unitsLeft(i)} left)
        <input name="ship_${i.orderItemId}" type="number" min="0" value="${unitsLeft(i)}" size="4"
      /></label>`,
  );
  return form(
    `${base}/ship`,
    csrf,
    'Ship',
    html`<datalist id="carriers">${CARRIER_CODES.map((c) => html`<option>${c}</option>`)}</datalist>
      <label>Carrier <input name="carrier" list="carriers" required value="UPS" /></label>
      <label>Carrier name (with Other) <input name="carrierName" /></label>
      <label>Shipping method <input name="shippingMethod" /></label>
      <label>Tracking <input name="trackingNumber" required /></label>
      <label
        >Ship date <input name="shipDate" value="${SHIP_NOW}" />
        <span class="muted"
          >now: on Amazon's clock; or a date-time, in the company's time zone unless it has its own</span
        ></label
      >
      <div>${lines}</div>`,
    'Record the shipment',
  );
}

export function cancelForm(base: string, csrf: string, details: OrderDetails, rate: CancelRate): Html {
  const lines = details.items.map(
    (i) =>
      html`<label
        >${i.sku ?? i.orderItemId} (${unitsLeft(i)} left)
        <input name="cancel_${i.orderItemId}" type="number" min="0" size="4"
      /></label>`,
  );
  return form(
    `${base}/cancel`,
    csrf,
    'Cancel',
    html`<p class="muted">
        Units per line, or none for the whole order. Now:
        ${describeCancelRate(rate).replace('projected ', '')}
      </p>
      <label
        >Reason
        <select name="reason">
          ${options(CANCEL_REASONS, 'NoInventory')}
        </select></label
      >
      <div>${lines}</div>
      <label
        ><input type="checkbox" name="zeroInventory" value="on" /> with NoInventory, set the SKUs to 0 on
        Amazon</label
      >
      <label
        ><input type="checkbox" name="force" value="on" /> BuyerCanceled without a buyer request (counts
        against the rate)</label
      >`,
    'Cancel',
  );
}

export function refundForm(base: string, csrf: string, refundable: RefundableView): Html {
  const lines = refundable.lines.flatMap((line) =>
    line.components.map(
      (c) =>
        html`<tr>
          <td>${line.orderItemId}</td>
          <td>${c.component}</td>
          <td>${c.charged}</td>
          <td>${c.refunded}</td>
          <td>${c.refundedByAmazon}</td>
          <td>${c.inFlight}</td>
          <td>${c.left}</td>
          <td><input name="refund_${line.orderItemId}_${c.component}" size="8" /></td>
        </tr>`,
    ),
  );
  return form(
    `${base}/refund`,
    csrf,
    'Refund',
    html`<p class="muted">
        Charged ${refundable.charged}, refunded ${refundable.refunded} (by Amazon
        ${refundable.refundedByAmazon}), in flight ${refundable.inFlight}, left ${refundable.left}
        ${refundable.currency} (${refundable.paymentStatus}).
      </p>
      <label
        >Reason
        <select name="reason">
          ${options(ADJUSTMENT_REASONS, 'CustomerReturn')}
        </select></label
      >
      <label><input type="checkbox" name="full" value="on" /> everything left</label>
      <table>
        <tr>
          <th>item</th>
          <th>component</th>
          <th>charged</th>
          <th>refunded</th>
          <th>by Amazon</th>
          <th>in flight</th>
          <th>left</th>
          <th>refund</th>
        </tr>
        ${lines}
      </table>`,
    'Refund',
  );
}
