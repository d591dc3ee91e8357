/// <reference lib="dom" />
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

/** One Server-Sent Event as the page's EventSource received it. */
export interface ReceivedEvent {
  readonly url: string;
  readonly event: string;
  /** The event's id field (after the browser's rules: an event without one keeps the previous id). */
  readonly lastEventId: string;
  readonly data: string;
}

/**
 * Records every event of the named types that any EventSource of the page receives, before the
 * page's own scripts run, so a test can check what arrived on the wire rather than what the page
 * chose to render. Returns a function that reads the record so far.
 */
export async function recordServerSentEvents(page: Page, events: readonly string[]): Promise<() => Promise<ReceivedEvent[]>> {
  // A string, not a function: tsx's transform would add helpers (__name) the page does not have.
  await page.addInitScript(`(() => {
    const names = ${JSON.stringify(events)};
    const received = [];
    window.__receivedEvents = received;
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url, init) {
        super(url, init);
        for (const name of names) {
          this.addEventListener(name, (event) => received.push({ url: String(url), event: name, lastEventId: event.lastEventId, data: event.data }));
        }
      }
    };
  })();`);
  return () => page.evaluate(() => (window as unknown as { __receivedEvents?: ReceivedEvent[] }).__receivedEvents ?? []);
}
