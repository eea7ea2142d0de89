import { document, html, type Html } from '../html.js';

const NAV = html`<header>
  <strong>sellersync</strong><a href="/console">Companies</a> <a href="/console/attention">Attention</a
  ><a href="/console/orders">Orders</a><a href="/console/feeds">Feeds</a><a href="/console/runs">Runs</a
  ><a href="/console/queues">Queues</a> <a href="/console/health">Account health</a
  ><a href="/console/audit">Audit</a>
  <form class="inline" method="post" action="/console/logout"><button>Sign out</button></form>
</header>`;

export function page(title: string, body: Html, signedIn = true): string {
  return document(
    title,
    html`<h1>${title}</h1>
      ${body}`,
    signedIn ? NAV : html``,
  );
}

/** A POST form with the CSRF value and one button. */
export function action(path: string, label: string, csrf: string, fields: Record<string, string> = {}): Html {
  return html`<form class="inline" method="post" action="${path}">
    <input type="hidden" name="csrf" value="${csrf}" />${Object.entries(fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}<button>${label}</button>
  </form>`;
}

export function hoursLeft(until: Date | null, now: Date): string {
  if (!until) return '';
  const hours = (until.getTime() - now.getTime()) / 3_600_000;
  return hours < 0 ? `${Math.abs(hours).toFixed(1)} h late` : `${hours.toFixed(1)} h left`;
}

/** A table with a header row. */
export function table(headers: string[], rows: Html[]): Html {
  return html`<table>
    <tr>
      ${headers.map((h) => html`<th>${h}</th>`)}
    </tr>
    ${rows}
  </table>`;
}
