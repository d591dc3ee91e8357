import type { Alert } from '@iot/contracts';
import type { AlertRecord } from './record.ts';

/** Control characters (newlines, escape sequences) would break the one-line format or the terminal. */
const clean = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

function time(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}

/** At most three decimals, without trailing zeros; tiny non-zero values keep three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const rounded = Math.round(value * 1000) / 1000;
  return rounded === 0 ? value.toPrecision(3) : String(rounded);
}

function condition(alert: Alert): string {
  if (alert.rule === 'SILENCE') return `no reading for ${formatNumber(alert.triggerValue)}s (limit ${formatNumber(alert.threshold)}s)`;
  const op = alert.triggerValue > alert.threshold ? '>' : alert.triggerValue < alert.threshold ? '<' : '=';
  return `value ${formatNumber(alert.triggerValue)} ${op} ${formatNumber(alert.threshold)}`;
}

/**
 * What changed since the alert opened: the peak once it has been seen again (or its peak moved),
 * when it was last seen while open, and when it cleared.
 */
function progress(alert: Alert): string[] {
  const refreshed = alert.lastSeenAt > alert.openedAt || alert.peakValue !== alert.triggerValue;
  const parts: string[] = [];
  if (refreshed) parts.push(alert.rule === 'SILENCE' ? `longest ${formatNumber(alert.peakValue)}s` : `peak ${formatNumber(alert.peakValue)}`);
  if (alert.state === 'CLEARED') parts.push(`cleared ${alert.clearedAt === null ? '(time unknown)' : time(alert.clearedAt)}`);
  else if (alert.lastSeenAt > alert.openedAt) parts.push(`last seen ${time(alert.lastSeenAt)}`);
  return parts;
}

/**
 * One line per record, e.g.
 * `2026-11-23T10:15:02.120Z OPEN         CRITICAL RANGE          plant-a-temperature-1 (plant-a) value 51.2 > 45 — message`.
 * The leading time is when the alert opened (the same for every update of one occurrence).
 */
export function formatHuman(record: AlertRecord): string {
  if (record.kind === 'tombstone') return `${clean(record.key.sensorId)}/${record.key.rule} expired`;
  const { alert } = record;
  const columns = [time(alert.openedAt), alert.state.padEnd(12), alert.severity.padEnd(8), alert.rule.padEnd(14)].join(' ');
  const details = [condition(alert), ...progress(alert)].join(', ');
  return `${columns} ${clean(alert.sensorId)} (${clean(alert.siteId)}) ${details} — ${clean(alert.message)}`;
}

/**
 * One JSON object per record: the key, where it sits in Kafka, and the alert as in the contract
 * (timestamps in epoch ms), or `"tombstone": true` without an alert.
 */
export function formatJson(record: AlertRecord): string {
  const { key, partition, offset, timestamp } = record;
  return JSON.stringify(
    record.kind === 'tombstone'
      ? { key, tombstone: true, partition, offset, timestamp }
      : { key, tombstone: false, partition, offset, timestamp, alert: record.alert },
  );
}

export const formatRecord = (record: AlertRecord, json: boolean): string => (json ? formatJson(record) : formatHuman(record));
