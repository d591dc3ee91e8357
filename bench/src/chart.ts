import { launchChromium } from '@iot/e2e/browser';

/** One bar: `value` in the panel's unit; `kind` picks its colour (ours, a baseline, the broker's ceiling). */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly kind: 'ours' | 'baseline' | 'ceiling';
  /** Printed after the value, e.g. "0.31 of the read ceiling". */
  readonly note?: string;
}

/** A titled group of horizontal bars sharing one scale. */
export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly Bar[];
}

const WIDTH = 1100;
const LABEL_WIDTH = 290;
const VALUE_WIDTH = 330;
const BAR_HEIGHT = 22;
const BAR_GAP = 10;
const PANEL_GAP = 34;
const TITLE_HEIGHT = 30;
const COLOURS: Record<Bar['kind'], string> = { ours: '#2563eb', baseline: '#d97706', ceiling: '#6b7280' };

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);

const numberText = (value: number): string =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * Horizontal bar charts, one panel under another, as a standalone SVG document. Each panel is
 * scaled to its own largest bar, so a panel of latencies and one of rates can share a picture.
 */
export function barChartSvg(title: string, subtitle: string, panels: readonly Panel[]): string {
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 40;
  const parts: string[] = [];
  let y = 64;
  for (const panel of panels) {
    parts.push(`<text x="20" y="${y + 18}" font-size="17" font-weight="600">${escapeXml(panel.title)}</text>`);
    y += TITLE_HEIGHT;
    const max = Math.max(...panel.bars.map((bar) => bar.value), Number.MIN_VALUE);
    for (const bar of panel.bars) {
      const width = Number.isFinite(bar.value) && bar.value > 0 ? Math.max(1, (bar.value / max) * plotWidth) : 0;
      const valueText = `${numberText(bar.value)} ${panel.unit}${bar.note ? ` · ${bar.note}` : ''}`;
      parts.push(
        `<text x="${LABEL_WIDTH}" y="${y + 16}" font-size="14" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH + 10}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS[bar.kind]}" rx="2"/>`,
        `<text x="${LABEL_WIDTH + 18 + width}" y="${y + 16}" font-size="13">${escapeXml(valueText)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP - BAR_GAP;
  }
  const legendY = y + 4;
  const legend = (Object.entries(COLOURS) as Array<[Bar['kind'], string]>).map(([kind, colour], i) => {
    const x = 20 + i * 220;
    const name = { ours: 'this project (TypeScript)', baseline: 'Kafka Streams 3.9.1 (Java)', ceiling: "the broker's own tools" }[kind];
    return `<rect x="${x}" y="${legendY}" width="14" height="14" fill="${colour}"/><text x="${x + 20}" y="${legendY + 12}" font-size="13">${name}</text>`;
  });
  const height = legendY + 34;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif" fill="#111827">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="30" font-size="21" font-weight="700">${escapeXml(title)}</text>`,
    `<text x="20" y="52" font-size="13" fill="#4b5563">${escapeXml(subtitle)}</text>`,
    ...parts,
    ...legend,
    '</svg>',
  ].join('\n');
}

/** Renders an SVG document to a PNG file in Debian's Chromium (the same one the browser tests drive). */
export async function svgToPng(svg: string, file: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: file, omitBackground: false });
  } finally {
    await browser.close();
  }
}
