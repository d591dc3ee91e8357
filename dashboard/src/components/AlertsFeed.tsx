'use client';

import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from 'react';
import {
  ALERT_ACK_PATH,
  ALERT_EVENTS,
  isOpenCritical,
  toAlertPayload,
  toAlertRemovedPayload,
  type AlertPayload,
  type ApiErrorBody,
} from '../lib/alert.ts';
import {
  alertFeedReducer,
  clearedAlerts,
  clearedLive,
  currentAlerts,
  initialAlertFeed,
  isNewCritical,
  type AlertFeedAction,
  type FeedStatus,
} from '../lib/alert-feed.ts';
import { numberText } from '../lib/format.ts';
import { STREAM_EVENTS } from '../lib/stream-events.ts';
import { useCriticalAlertsTitle } from './use-critical-alerts-title.ts';
import { useRelayedStream } from './use-relayed-stream.ts';

const STATUS_TEXT: Record<FeedStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  resyncing: 'resyncing…',
};

const ACK_AS_STORAGE_KEY = 'iot-dashboard.acknowledge-as';
/** How long an Acknowledge button waits for the new state before it is offered again. */
const ACK_CONFIRM_TIMEOUT_MS = 20_000;

export interface AlertsFeedProps {
  /** `/api/alerts/stream` with the page's filters. */
  readonly streamUrl: string;
  /** The server-rendered snapshot, or null when the gateway did not give one in time. */
  readonly initialAlerts: readonly AlertPayload[] | null;
  readonly takenAtMs: number | null;
  /** Why there is no server-rendered snapshot. */
  readonly snapshotProblem: string | null;
  /** The tab's title, which an open critical alert prefixes with its count. */
  readonly pageTitle?: string;
}

type AckStatus = { readonly kind: 'sending' } | { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly message: string };

export default function AlertsFeed({ streamUrl, initialAlerts, takenAtMs, snapshotProblem, pageTitle = 'Alerts · IoT pipeline' }: AlertsFeedProps) {
  const [state, dispatch] = useReducer(alertFeedReducer, null, () => initialAlertFeed(initialAlerts, takenAtMs));
  // null until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState<number | null>(null);
  const [ackAs, setAckAs] = useState('');
  const [ackAsProblem, setAckAsProblem] = useState<string | null>(null);
  const [acks, setAcks] = useState<ReadonlyMap<string, AckStatus>>(() => new Map());
  const ackAsInput = useRef<HTMLInputElement>(null);
  // Read at click time, so that typing a name does not re-render every row.
  const ackAsRef = useRef(ackAs);
  useEffect(() => {
    ackAsRef.current = ackAs;
  }, [ackAs]);

  useEffect(() => {
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    try {
      setAckAs(window.localStorage.getItem(ACK_AS_STORAGE_KEY) ?? '');
    } catch {
      // storage may be unavailable (privacy settings): start empty
    }
    return () => clearInterval(timer);
  }, []);

  useRelayedStream<AlertFeedAction>(streamUrl, {
    events: {
      [STREAM_EVENTS.ready]: (data) => ({ type: 'ready', resumed: data.resumed === true }),
      [ALERT_EVENTS.alert]: (data) => {
        const alert = toAlertPayload(data);
        return alert === null ? null : { type: 'alert', alert, atMs: Date.now() };
      },
      [ALERT_EVENTS.removed]: (data) => {
        const removed = toAlertRemovedPayload(data);
        return removed === null ? null : { type: 'removed', removed, atMs: Date.now() };
      },
      [STREAM_EVENTS.snapshotComplete]: () => ({ type: 'snapshot-complete', atMs: Date.now() }),
      [STREAM_EVENTS.heartbeat]: () => ({ type: 'heartbeat', atMs: Date.now() }),
      [STREAM_EVENTS.resync]: (data) => ({ type: 'resync', reason: typeof data.reason === 'string' ? data.reason : 'resync' }),
    },
    // A new EventSource after a closed one has no Last-Event-ID: its snapshot replaces the state.
    disconnected: (problem) => ({ type: 'disconnected', problem }),
    apply: (actions) => dispatch({ type: 'batch', actions }),
  });

  const current = useMemo(() => currentAlerts(state), [state]);
  const history = useMemo(() => clearedAlerts(state), [state]);
  useCriticalAlertsTitle(current.filter(isOpenCritical).length, pageTitle);

  const saveAckAs = (event: FormEvent<HTMLFormElement>): void => event.preventDefault();
  const changeAckAs = (value: string): void => {
    setAckAs(value);
    if (value.trim() !== '') setAckAsProblem(null);
    try {
      window.localStorage.setItem(ACK_AS_STORAGE_KEY, value);
    } catch {
      // not remembered: fine
    }
  };

  const acknowledge = useCallback(
    async (alert: AlertPayload): Promise<void> => {
      const by = ackAsRef.current.trim();
      if (by === '') {
        setAckAsProblem('Enter your name to acknowledge alerts.');
        ackAsInput.current?.focus();
        return;
      }
      const setAck = (status: AckStatus) => setAcks((previous) => new Map(previous).set(alert.alertId, status));
      setAck({ kind: 'sending' });
      try {
        const response = await fetch(ALERT_ACK_PATH, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ alertId: alert.alertId, acknowledgedBy: by }),
        });
        if (response.ok) {
          setAck({ kind: 'sent' }); // the ACKNOWLEDGED state itself arrives on the stream
          // Should it not come (the alert cleared meanwhile, the stream is down), offer the button again.
          setTimeout(() => {
            setAcks((previous) =>
              previous.get(alert.alertId)?.kind === 'sent'
                ? new Map(previous).set(alert.alertId, { kind: 'failed', message: 'Sent, but no acknowledgement seen on the stream yet; try again.' })
                : previous,
            );
          }, ACK_CONFIRM_TIMEOUT_MS);
          return;
        }
        const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
        setAck({ kind: 'failed', message: typeof body?.message === 'string' ? body.message : `HTTP ${response.status}` });
      } catch (error) {
        setAck({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    },
    [],
  );

  // Rows show ages in minutes, so they re-render once a minute, not every second.
  const minuteNow = nowMs === null ? null : Math.floor(nowMs / 60_000) * 60_000;
  const ageSeconds = state.updatedAtMs === null || nowMs === null ? null : Math.max(0, Math.round((nowMs - state.updatedAtMs) / 1_000));

  return (
    <>
      <section className="panel" aria-labelledby="current-alerts-heading">
        <header className="panel-header">
          <h2 id="current-alerts-heading">Current alerts ({current.length})</h2>
          <span className={`status status-${state.status}`} data-testid="stream-status" role="status" aria-live="polite">
            {STATUS_TEXT[state.status]}
          </span>
        </header>

        <p className="summary" data-testid="data-age">
          {state.updatedAtMs === null
            ? 'No data yet'
            : ageSeconds === null
              ? `Data as of ${timeOfDay(state.updatedAtMs)} UTC`
              : `Data as of ${ageSeconds}s ago`}
          {state.status !== 'live' && state.updatedAtMs !== null ? ' (may be stale)' : ''}
        </p>

        <form className="ack-as" onSubmit={saveAckAs}>
          <label htmlFor="ack-as">Acknowledge as</label>
          <input
            id="ack-as"
            ref={ackAsInput}
            type="text"
            maxLength={100}
            autoComplete="name"
            value={ackAs}
            onChange={(event) => changeAckAs(event.target.value)}
            aria-describedby={ackAsProblem === null ? undefined : 'ack-as-problem'}
            aria-invalid={ackAsProblem !== null}
          />
          {ackAsProblem === null ? null : (
            <span id="ack-as-problem" className="error-inline" role="alert">
              {ackAsProblem}
            </span>
          )}
        </form>

        {initialAlerts === null && snapshotProblem !== null && state.status !== 'live' ? (
          <p className="error" role="alert">
            The current alerts could not be loaded yet ({snapshotProblem}); connecting…
          </p>
        ) : null}
        {state.problem !== null && state.status !== 'live' ? (
          <p className="error" role="alert">
            Stream interrupted: {state.problem}
          </p>
        ) : null}

        {current.length === 0 ? (
          <p className="empty">{state.updatedAtMs === null ? 'Waiting for the gateway…' : 'No open or acknowledged alerts.'}</p>
        ) : (
          <div className="table-scroll">
            <table className="alerts" data-testid="current-alerts">
              <caption className="visually-hidden">Open and acknowledged alerts, critical first, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Sensor</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Value vs threshold</th>
                  <th scope="col">Since</th>
                  <th scope="col">State</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {current.map((alert) => (
                  <CurrentAlertRow
                    key={alert.alertId}
                    alert={alert}
                    isNew={isNewCritical(state, alert, nowMs)}
                    nowMs={minuteNow}
                    ack={acks.get(alert.alertId)}
                    onAcknowledge={acknowledge}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="history-heading">
        <header className="panel-header">
          <h2 id="history-heading">Cleared ({history.length})</h2>
        </header>
        {history.length === 0 ? (
          <p className="empty">No cleared alerts held.</p>
        ) : (
          <div className="table-scroll">
            <table className="alerts history" data-testid="cleared-alerts">
              <caption className="visually-hidden">Cleared alerts, most recently cleared first</caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Sensor</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Peak vs threshold</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Cleared</th>
                  <th scope="col">Acknowledged by</th>
                </tr>
              </thead>
              <tbody>
                {history.map((alert) => (
                  <ClearedAlertRow key={alert.alertId} alert={alert} clearedLive={clearedLive(state, alert)} nowMs={minuteNow} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** `data-cleared-live`: it cleared while the page was open, so its row fades in (globals.css). */
const ClearedAlertRow = memo(function ClearedAlertRow({ alert, clearedLive, nowMs }: { alert: AlertPayload; clearedLive: boolean; nowMs: number | null }) {
  return (
    <tr data-testid="alert-row" data-alert-id={alert.alertId} data-state={alert.state} data-cleared-live={clearedLive ? 'true' : undefined}>
      <td>
        <SeverityBadge alert={alert} />
      </td>
      <td>
        <SensorCell alert={alert} />
      </td>
      <td>{ruleText(alert.rule)}</td>
      <td className="numeric">
        {numberText(alert.peakValue)} vs {numberText(alert.threshold)}
      </td>
      <td>
        <TimeText epochMs={alert.openedAtMs} nowMs={nowMs} />
      </td>
      <td>{alert.clearedAtMs === null ? '—' : <TimeText epochMs={alert.clearedAtMs} nowMs={nowMs} />}</td>
      <td>{alert.acknowledgedBy ?? '—'}</td>
    </tr>
  );
});

/** `data-new`: a critical alert that arrived live moments ago, highlighted by a tint that fades (globals.css). */
const CurrentAlertRow = memo(function CurrentAlertRow({
  alert,
  isNew,
  nowMs,
  ack,
  onAcknowledge,
}: {
  alert: AlertPayload;
  isNew: boolean;
  nowMs: number | null;
  ack: AckStatus | undefined;
  onAcknowledge: (alert: AlertPayload) => Promise<void>;
}) {
  const waiting = ack?.kind === 'sending' || ack?.kind === 'sent';
  return (
    <tr
      data-testid="alert-row"
      data-alert-id={alert.alertId}
      data-state={alert.state}
      data-new={isNew ? 'true' : undefined}
      className={`severity-row-${alert.severity.toLowerCase()}`}
    >
      <td>
        <SeverityBadge alert={alert} />
      </td>
      <td>
        <SensorCell alert={alert} />
      </td>
      <td>{ruleText(alert.rule)}</td>
      <td className="numeric">
        {numberText(alert.triggerValue)} vs {numberText(alert.threshold)}
        {alert.peakValue !== alert.triggerValue && Number.isFinite(alert.peakValue) ? <span className="muted"> (peak {numberText(alert.peakValue)})</span> : null}
        {alert.message === '' ? null : <span className="message">{alert.message}</span>}
      </td>
      <td>
        <TimeText epochMs={alert.openedAtMs} nowMs={nowMs} />
      </td>
      <td>
        <span className={`state state-${alert.state.toLowerCase()}`} data-testid="alert-state">
          {alert.state}
        </span>
        {alert.acknowledgedBy === null ? null : <span className="muted"> by {alert.acknowledgedBy}</span>}
      </td>
      <td>
        {alert.state === 'OPEN' ? (
          <button
            type="button"
            className="ack-button"
            onClick={() => void onAcknowledge(alert)}
            disabled={waiting}
            aria-label={`Acknowledge ${ruleText(alert.rule)} alert of ${alert.sensorId}`}
          >
            {waiting ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        ) : null}
        {ack?.kind === 'failed' && alert.state === 'OPEN' ? (
          <span className="error-inline" role="alert">
            {ack.message}
          </span>
        ) : null}
      </td>
    </tr>
  );
});

function SeverityBadge({ alert }: { alert: AlertPayload }) {
  return <span className={`severity severity-${alert.severity.toLowerCase()}`}>{alert.severity}</span>;
}

function SensorCell({ alert }: { alert: AlertPayload }) {
  return (
    <>
      <span className="sensor-id">{alert.sensorId}</span>
      <span className="muted sensor-meta">
        {[alert.sensorType, alert.siteId].filter((text) => text !== '').join(' · ')}
      </span>
    </>
  );
}

function TimeText({ epochMs, nowMs }: { epochMs: number; nowMs: number | null }) {
  const iso = new Date(epochMs).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {timeOfDay(epochMs)} UTC{nowMs === null ? null : <span className="muted"> ({durationText(nowMs - epochMs)} ago)</span>}
    </time>
  );
}

const RULE_TEXT = { RANGE: 'Out of range', ZSCORE: 'Unusual (z-score)', RATE_OF_CHANGE: 'Rate of change', SILENCE: 'Silent' } as const;

function ruleText(rule: AlertPayload['rule']): string {
  return RULE_TEXT[rule];
}


function timeOfDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

/** Minutes at most: rows follow a clock that ticks once a minute. */
function durationText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}
