/// <reference lib="dom" />
// axe-core (Deque) in a playwright page: its own script injected into the page, run over the whole
// document with the WCAG 2.0/2.1/2.2 A and AA rules, and what it finds made readable for an assertion.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const REPORTED: readonly ImpactValue[] = ['serious', 'critical'];

export interface AccessibilityViolation {
  /** axe's rule id, e.g. `color-contrast`. */
  readonly rule: string;
  readonly impact: ImpactValue;
  readonly help: string;
  readonly helpUrl: string;
  /** Each failing element: its CSS selector and axe's summary of what to fix there. */
  readonly nodes: readonly { readonly target: string; readonly summary: string }[];
}

/** The serious and critical WCAG A/AA violations axe-core finds in the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(
    (tags) => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_A_AA,
  );
  return results.violations
    .filter((violation) => violation.impact != null && REPORTED.includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact!,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target.map(String).join(' >>> '), summary: (node.failureSummary ?? '').replace(/\s*\n\s*/g, ' ') })),
    }));
}

/** Failing elements listed per rule; the rest are counted (a table of 200 rows fails 200 times alike). */
const NODES_LISTED = 8;

/** One line per rule and one per failing element (up to NODES_LISTED), for an assertion message. */
export function describeViolations(where: string, violations: readonly AccessibilityViolation[]): string {
  const lines = violations.flatMap((violation) => [
    `${violation.rule} (${violation.impact}, ${violation.nodes.length} element(s)): ${violation.help} <${violation.helpUrl}>`,
    ...violation.nodes.slice(0, NODES_LISTED).map((node) => `  at ${node.target}: ${node.summary}`),
    ...(violation.nodes.length > NODES_LISTED ? [`  … and ${violation.nodes.length - NODES_LISTED} more`] : []),
  ]);
  return `axe-core found ${violations.length} serious/critical violation(s) on ${where}:\n${lines.join('\n')}`;
}

/**
 * Asserts that axe-core finds no serious or critical violation in the page, in the light and then
 * the dark colour scheme (the dashboard follows the system's), and leaves the media unemulated.
 * With reduced motion, so that axe sees the page settled rather than a frame of a fade (a row
 * fading in is briefly below 4.5:1), and a new alert's highlight at its strongest.
 */
export async function assertAccessibleInBothSchemes(page: Page, where: string): Promise<void> {
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      const violations = await seriousAccessibilityViolations(page);
      assert.deepEqual(violations, [], describeViolations(`${where} (${colorScheme} scheme)`, violations));
    }
  } finally {
    await page.emulateMedia({ colorScheme: null, reducedMotion: null });
  }
}
