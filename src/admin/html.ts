/** Server-rendered HTML: every value goes through `escapeHtml`; no script or style comes from elsewhere. */

export function escapeHtml(value: unknown): string {
  const text =
    value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A tagged template whose interpolations are escaped, except those already made with `html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.text : escapeHtml(v))).join('')
      : value instanceof Html
        ? value.text
        : escapeHtml(value);
    text += part + (strings[i + 1] ?? '');
  });
  return new Html(text);
}

export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#232f3e;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#fff;text-decoration:none}header a:hover{text-decoration:underline}
header strong{margin-right:1rem}main{padding:1rem 1.2rem;max-width:1300px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
th,td{border-bottom:1px solid #e2e5e9;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}code,pre{font:12px ui-monospace,monospace}
pre{background:#fff;border:1px solid #e2e5e9;padding:.5rem;overflow:auto}
.bad{color:#b3261e;font-weight:600}.ok{color:#1e7d32}.muted{color:#667}
button{cursor:pointer;padding:.2rem .6rem}form.inline{display:inline}
.chart{display:flex;gap:2px;align-items:flex-end;height:60px}.chart span{background:#5b8def;width:10px}
table.jobs{margin:0;background:none}table.jobs td{border:0;padding:.1rem .4rem;white-space:nowrap}
fieldset{background:#fff;border:1px solid #e2e5e9;margin:.6rem 0}fieldset label{margin-right:.8rem;display:inline-block}
.notice{background:#fff8e1;border:1px solid #f0c36d;padding:.5rem;margin:.5rem 0}
.error{background:#fdecea;border:1px solid #e57373;padding:.5rem;margin:.5rem 0}
`;

export function document(title: string, body: Html, nav: Html = html``): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} · sellersync</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        ${nav}
        <main>${body}</main>
      </body>
    </html>`.text;
}
