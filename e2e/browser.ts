import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (no browser download). Also used by the dashboard benchmark.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling out to a network we do not have.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Where the browser tests save their screenshots (git-ignored), for a person to look at. */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results');

/** Saves a screenshot of the page (the whole page unless `fullPage` is false) as test-results/<name>.png. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** Laptop screens the pages must fit without a horizontal scrollbar (tables may scroll inside their box). */
export const LAPTOP_VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1024, height: 640 },
] as const;

/** Fails when the page is wider than any laptop viewport (it keeps the viewport it had). */
export async function assertFitsLaptopScreens(page: Page, where: string): Promise<void> {
  const original = page.viewportSize();
  try {
    for (const viewport of LAPTOP_VIEWPORTS) {
      await page.setViewportSize(viewport);
      // Let ResponsiveContainer charts measure the new width.
      await page.waitForTimeout(300);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > viewport.width) throw new Error(`${where} is ${scrollWidth} px wide at a ${viewport.width}×${viewport.height} viewport: it scrolls sideways`);
    }
  } finally {
    if (original !== null) await page.setViewportSize(original);
  }
}
