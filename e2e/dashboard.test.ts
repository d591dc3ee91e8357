/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessibleInBothSchemes } from './accessibility.ts';
import { assertFitsLaptopScreens, launchChromium, saveScreenshot } from './browser.ts';
import { stack } from './support.ts';

const THROUGHPUT = `http://127.0.0.1:${stack.DASHBOARD_PORT}/throughput`;

test('the dashboard shows a live chart of per-minute counts that updates, whose first HTML already has the total, with no serious or critical axe-core violation in the light or dark scheme', { timeout: 120_000 }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(THROUGHPUT);
    const total = page.getByTestId('total-readings');
    await page.getByTestId('window-counts-chart').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-readings"]')?.textContent?.replace(/\D/g, '')) > 0, undefined, { timeout: 60_000 });
    const first = Number((await total.textContent())?.replace(/\D/g, ''));
    await page.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="total-readings"]')?.textContent?.replace(/\D/g, '')) > before,
      first,
      { timeout: 60_000 },
    );
    assert.match((await page.getByTestId('stream-status').textContent()) ?? '', /live/);

    // Readings exist now, so the server render has them: the HTML, before any script runs, shows a total.
    const html = await (await fetch(THROUGHPUT)).text();
    const rendered = /data-testid="total-readings"[^>]*>(\d+)</.exec(html);
    assert.ok(rendered !== null, 'the HTML has the total');
    assert.ok(Number(rendered[1]) > 0, `the server-rendered total is the gateway's, not 0: ${rendered[1]}`);
    assert.match(html, /\d+ sensors, data as of \d\d:\d\d:\d\d UTC/);
    assert.doesNotMatch(html, /could not be loaded/);
    assert.ok((await page.locator('[data-testid="window-counts-chart"] svg .recharts-bar-rectangle, [data-testid="window-counts-chart"] svg path').count()) > 0, 'the chart drew something');
    await assertAccessibleInBothSchemes(page, '/throughput with live data');
    await assertFitsLaptopScreens(page, '/throughput');
    await saveScreenshot(page, 'dashboard');
  } finally {
    await browser.close();
  }
});
