import { html, type Html } from '../html.js';

/** A rate over time as a small inline SVG: the line of the rate, Amazon's threshold dashed across it. */
export interface RatePoint {
  at: Date;
  /** null: nothing to measure that day. */
  rate: number | null;
}

const WIDTH = 240;
const HEIGHT = 48;
const PAD = 3;

/** The vertical scale reaches a little above the highest of the rates and the threshold. */
export function chartScale(points: RatePoint[], threshold: number): number {
  const top = Math.max(threshold, ...points.map((p) => p.rate ?? 0));
  return Math.min(1, top * 1.25) || 1;
}

export function rateChart(points: RatePoint[], threshold: number, label: string): Html {
  const scale = chartScale(points, threshold);
  const x = (i: number) => PAD + (i * (WIDTH - 2 * PAD)) / Math.max(points.length - 1, 1);
  const y = (rate: number) => HEIGHT - PAD - (rate / scale) * (HEIGHT - 2 * PAD);
  const measured = points.flatMap((p, i) =>
    p.rate === null ? [] : [`${x(i).toFixed(1)},${y(p.rate).toFixed(1)}`],
  );
  const thresholdY = y(threshold).toFixed(1);
  const first = points[0]?.at.toISOString().slice(0, 10) ?? '';
  const last = points.at(-1)?.at.toISOString().slice(0, 10) ?? '';
  return html`<svg
    class="rate-chart"
    width="${WIDTH}"
    height="${HEIGHT}"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-label="${label} from ${first} to ${last}, threshold ${(threshold * 100).toFixed(1)} %"
  >
    <title>${label}: ${first} to ${last}</title>
    <rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff" stroke="#e2e5e9" />
    <line
      x1="${PAD}"
      x2="${WIDTH - PAD}"
      y1="${thresholdY}"
      y2="${thresholdY}"
      stroke="#b3261e"
      stroke-dasharray="4 3"
    />
    <polyline points="${measured.join(' ')}" fill="none" stroke="#5b8def" stroke-width="2" />
    ${points.flatMap((p, i) =>
      p.rate === null
        ? []
        : [
            html`<circle cx="${x(i).toFixed(1)}" cy="${y(p.rate).toFixed(1)}" r="1.8" fill="#5b8def"
              ><title>${p.at.toISOString().slice(0, 10)}: ${(p.rate * 100).toFixed(2)} %</title></circle
            >`,
          ],
    )}
  </svg>`;
}
