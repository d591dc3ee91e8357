import { parseArgs } from 'node:util';
import { ALERT_RULES, ALERT_SEVERITIES, ALERT_STATES, type Alert, type AlertKey, type AlertRule, type AlertSeverity, type AlertState } from '@iot/contracts';

/** What `tail` shows: every given field must match exactly (unset fields match anything). */
export interface AlertFilter {
  readonly site?: string;
  readonly sensor?: string;
  readonly severity?: AlertSeverity;
  readonly state?: AlertState;
  readonly rule?: AlertRule;
}

export interface TailOptions {
  readonly filter: AlertFilter;
  readonly fromBeginning: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/** A bad command line: the message names the flag and what it accepts. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  site: { type: 'string' },
  sensor: { type: 'string' },
  severity: { type: 'string' },
  state: { type: 'string' },
  rule: { type: 'string' },
  'from-beginning': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const FLAG_LIST = Object.keys(OPTIONS).map((name) => `--${name}`).join(', ');

function parseEnum<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  // Case-insensitive for typing comfort: --severity critical works.
  const found = allowed.find((value) => value === text.trim().toUpperCase());
  if (found === undefined) throw new UsageError(`--${flag}: expected one of ${allowed.join(', ')}, got "${text}"`);
  return found;
}

function parseId(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '') throw new UsageError(`--${flag}: expected a non-empty value`);
  return text;
}

/** Parses the arguments after `tail`. Throws UsageError on anything it does not know. */
export function parseTailArgs(argv: readonly string[]): TailOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${flag}; the options are ${FLAG_LIST}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unexpected argument "${arg}"; tail takes only options (${FLAG_LIST})`);
    }
    // Missing or ambiguous option values: node's own message names the option.
    throw new UsageError(message.split('\n')[0] ?? message);
  }
  const filter: AlertFilter = {
    site: parseId('site', values.site),
    sensor: parseId('sensor', values.sensor),
    severity: parseEnum('severity', values.severity, ALERT_SEVERITIES),
    state: parseEnum('state', values.state, ALERT_STATES),
    rule: parseEnum('rule', values.rule, ALERT_RULES),
  };
  return { filter, fromBeginning: values['from-beginning'], json: values.json, help: values.help };
}

/** Whether an alert passes the filter. */
export function matches(alert: Alert, filter: AlertFilter): boolean {
  return (
    (filter.site === undefined || alert.siteId === filter.site) &&
    (filter.sensor === undefined || alert.sensorId === filter.sensor) &&
    (filter.severity === undefined || alert.severity === filter.severity) &&
    (filter.state === undefined || alert.state === filter.state) &&
    (filter.rule === undefined || alert.rule === filter.rule)
  );
}

/**
 * Whether a tombstone (an expired cleared alert: a key, no value) is shown. It carries no site,
 * severity or state, so any of those filters hides it; --sensor and --rule match its key.
 */
export function matchesTombstone(key: AlertKey, filter: AlertFilter): boolean {
  if (filter.site !== undefined || filter.severity !== undefined || filter.state !== undefined) return false;
  return (filter.sensor === undefined || key.sensorId === filter.sensor) && (filter.rule === undefined || key.rule === filter.rule);
}
