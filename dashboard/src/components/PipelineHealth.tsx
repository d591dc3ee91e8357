'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { countText } from '../lib/format.ts';
import {
  HEALTH_LEVELS,
  PIPELINE_HEALTH_PATH,
  PIPELINE_POLL_MS,
  toPipelineHealthResult,
  type HealthLevel,
  type PipelineHealthResult,
  type PipelineHealthView,
} from '../lib/pipeline-health.ts';

export interface PipelineHealthProps {
  /** The server render's answer (the page is usable before its script runs). */
  readonly initial: PipelineHealthResult;
}

type Poll = { readonly kind: 'ok' } | { readonly kind: 'failed'; readonly message: string };

/** The Pipeline page: the data path in order, then each part's facts; asks again every 5 s. */
export default function PipelineHealth({ initial }: PipelineHealthProps) {
  const [result, setResult] = useState(initial);
  const [poll, setPoll] = useState<Poll>({ kind: 'ok' });
  // The server render's clock until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState(initial.ok ? initial.health.checkedAtMs : initial.atMs);

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (): Promise<void> => {
      try {
        const response = await fetch(PIPELINE_HEALTH_PATH, { cache: 'no-store' });
        const parsed = toPipelineHealthResult(await response.json().catch(() => null));
        if (disposed) return;
        if (parsed === null) setPoll({ kind: 'failed', message: `the dashboard answered HTTP ${response.status} without a health report` });
        else {
          setResult(parsed);
          setPoll({ kind: 'ok' });
        }
      } catch (error) {
        if (!disposed) setPoll({ kind: 'failed', message: `the dashboard server does not answer (${error instanceof Error ? error.message : String(error)})` });
      } finally {
        if (!disposed) timer = setTimeout(() => void ask(), PIPELINE_POLL_MS);
      }
    };
    timer = setTimeout(() => void ask(), PIPELINE_POLL_MS);
    const clock = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => {
      disposed = true;
      clearTimeout(timer);
      clearInterval(clock);
    };
  }, []);

  const checkedAtMs = result.ok ? result.health.checkedAtMs : result.atMs;
  const age = Math.max(0, Math.round((nowMs - checkedAtMs) / 1_000));
  return (
    <>
      <section className="panel" aria-labelledby="overall-heading">
        <header className="panel-header">
          <h2 id="overall-heading">Overall</h2>
          <span className="status status-live" data-testid="poll-status" role="status" aria-live="polite">
            {poll.kind === 'ok' ? `checked ${age}s ago` : 'retrying…'}
          </span>
        </header>
        {poll.kind === 'failed' ? (
          <p className="error" role="alert">
            No fresh report: {poll.message}. Showing the report of {age}s ago.
          </p>
        ) : null}
        {result.ok ? (
          <p className="summary" data-testid="overall">
            <Health status={result.health.status} /> <span data-testid="overall-detail">{result.health.detail}</span>
          </p>
        ) : (
          <p className="summary" data-testid="overall">
            <Health status="DOWN" /> <span data-testid="overall-detail">The gRPC gateway does not answer: {result.message}. It runs every other check, so nothing else can be seen from here; see its log (npm run stack -- logs grpc-gateway).</span>
          </p>
        )}
        {result.ok ? <DataPath health={result.health} /> : null}
      </section>
      {result.ok ? <Parts health={result.health} nowMs={nowMs} /> : null}
    </>
  );
}

const HEALTH_TEXT: Record<HealthLevel, string> = { UP: 'UP', DEGRADED: 'DEGRADED', DOWN: 'DOWN', UNKNOWN: 'UNKNOWN' };

/** A status by colour and by text. */
function Health({ status }: { status: HealthLevel }) {
  return (
    <span className={`health health-${status.toLowerCase()}`} data-testid="health" data-status={status}>
      {HEALTH_TEXT[status]}
    </span>
  );
}

/** The data path in the order records travel, each step with its status: where the flow stops shows at once. */
function DataPath({ health }: { health: PipelineHealthView }) {
  const topic = (index: number) => health.topics[index];
  const connectors = health.kafkaConnect?.connectors ?? [];
  const steps: Array<{ key: string; label: string; status: HealthLevel; detail: string }> = [
    { key: 'broker', label: 'Kafka broker', status: health.broker?.status ?? 'UNKNOWN', detail: health.broker?.detail ?? 'not reported' },
    { key: 'registry', label: 'Schema registry', status: health.schemaRegistry?.status ?? 'UNKNOWN', detail: health.schemaRegistry?.detail ?? 'not reported' },
    ...[0].flatMap((index) => (topic(index) ? [{ key: `topic-${index}`, label: `Readings arrive (${topic(index)!.topic})`, status: topic(index)!.status, detail: topic(index)!.detail }] : [])),
    { key: 'processor', label: 'Stream processor', status: health.streamProcessor?.status ?? 'UNKNOWN', detail: health.streamProcessor?.detail ?? 'not reported' },
    ...[1, 2].flatMap((index) => (topic(index) ? [{ key: `topic-${index}`, label: `Results written (${topic(index)!.topic})`, status: topic(index)!.status, detail: topic(index)!.detail }] : [])),
    ...connectors.map((connector) => ({ key: `connector-${connector.name}`, label: `Kafka Connect: ${connector.name} (${connector.type})`, status: connector.status, detail: connector.detail })),
    ...(connectors.length === 0 ? [{ key: 'connect', label: 'Kafka Connect', status: health.kafkaConnect?.status ?? ('UNKNOWN' as HealthLevel), detail: health.kafkaConnect?.detail ?? 'not reported' }] : []),
    ...[3].flatMap((index) => (topic(index) ? [{ key: `topic-${index}`, label: `Registry changes (${topic(index)!.topic})`, status: topic(index)!.status, detail: topic(index)!.detail }] : [])),
    { key: 'gateway', label: 'gRPC gateway', status: health.gateway?.status ?? 'UNKNOWN', detail: health.gateway?.detail ?? 'not reported' },
  ];
  return (
    <ol className="data-path" aria-label="The data path, in the order records travel">
      {steps.map((step) => (
        <li key={step.key} data-testid="path-step" data-step={step.key} data-status={step.status}>
          <Health status={step.status} /> <strong>{step.label}</strong> <span className="muted">{step.detail}</span>
        </li>
      ))}
    </ol>
  );
}

const rate = (value: number | null) => (value === null ? '—' : `${countText(Math.round(value))}/s`);
function duration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1_000);
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3_600)} h`;
}

function Parts({ health, nowMs }: { health: PipelineHealthView; nowMs: number }) {
  const { broker, schemaRegistry: registry, kafkaConnect: connect, streamProcessor: processor, gateway } = health;
  return (
    <div className="parts">
      <Part id="broker" title="Kafka broker" status={broker?.status ?? 'UNKNOWN'} detail={broker?.detail ?? 'not reported'}>
        {broker ? (
          <p className="muted">
            Cluster {broker.clusterId || '—'}, controller {broker.controllerId < 0 ? 'none' : broker.controllerId}; brokers{' '}
            {broker.brokers.map((b) => `${b.nodeId} (${b.host}:${b.port})`).join(', ') || 'none'}; probe {broker.probeMs} ms.
          </p>
        ) : null}
      </Part>
      <Part id="registry" title="Schema registry" status={registry?.status ?? 'UNKNOWN'} detail={registry?.detail ?? 'not reported'}>
        {registry ? (
          <p className="muted">
            {registry.url}: {countText(registry.subjectCount)} subjects{registry.missingSubjects.length > 0 ? `; missing ${registry.missingSubjects.join(', ')}` : ''}; probe {registry.probeMs} ms.
          </p>
        ) : null}
      </Part>
      <Part id="connect" title="Kafka Connect" status={connect?.status ?? 'UNKNOWN'} detail={connect?.detail ?? 'not reported'}>
        {connect && connect.connectors.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table" data-testid="connectors">
              <caption className="visually-hidden">Connectors of {connect.url}</caption>
              <thead>
                <tr>
                  <th scope="col">Connector</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">State</th>
                  <th scope="col">Tasks</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {connect.connectors.map((connector) => (
                  <tr key={connector.name} data-testid="connector" data-connector={connector.name} data-state={connector.state}>
                    <td>{connector.name}</td>
                    <td>{connector.type}</td>
                    <td><Health status={connector.status} /></td>
                    <td data-testid="connector-state">{connector.state}</td>
                    <td>{connector.tasks.map((task) => `${task.id}: ${task.state}`).join(', ') || 'none'}</td>
                    <td><span className="message">{[connector.detail, connector.trace, ...connector.tasks.map((task) => task.trace)].filter((text) => text !== '').join(' · ')}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Part>
      <Part id="processor" title="Stream processor" status={processor?.status ?? 'UNKNOWN'} detail={processor?.detail ?? 'not reported'}>
        {processor ? (
          <>
            <dl className="facts">
              <div><dt>Group</dt><dd>{processor.groupId}</dd></div>
              <div><dt>Group state</dt><dd data-testid="group-state">{processor.groupState}</dd></div>
              <div><dt>Members</dt><dd data-testid="group-members">{processor.members.length}</dd></div>
              <div><dt>Lag</dt><dd data-testid="total-lag">{countText(processor.totalLag)}</dd></div>
              <div><dt>Consumed</dt><dd data-testid="consumed-rate">{rate(processor.consumedPerSecond)}</dd></div>
              <div><dt>Produced to its inputs</dt><dd>{rate(processor.producedPerSecond)}</dd></div>
              <div><dt>Rate window</dt><dd>{duration(processor.rateWindowMs || null)}</dd></div>
            </dl>
            <div className="table-scroll">
              <table className="data-table" data-testid="lag-by-topic">
                <caption className="visually-hidden">The processor&apos;s lag per input topic</caption>
                <thead>
                  <tr>
                    <th scope="col">Input topic</th>
                    <th scope="col" className="numeric">Partitions</th>
                    <th scope="col" className="numeric">Lag (records)</th>
                  </tr>
                </thead>
                <tbody>
                  {processor.lagByTopic.map((topic) => (
                    <tr key={topic.topic} data-testid="topic-lag" data-topic={topic.topic}>
                      <td>{topic.topic}</td>
                      <td className="numeric">{topic.partitions}</td>
                      <td className="numeric" data-testid="lag">{countText(topic.lag)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </Part>
      <Part id="gateway" title="gRPC gateway" status={gateway?.status ?? 'UNKNOWN'} detail={gateway?.detail ?? 'not reported'}>
        {gateway ? (
          <>
            <div className="table-scroll">
              <table className="data-table" data-testid="gateway-feeds">
                <caption className="visually-hidden">The gateway&apos;s streams</caption>
                <thead>
                  <tr>
                    <th scope="col">Stream</th>
                    <th scope="col">Topic</th>
                    <th scope="col" className="numeric">Subscribers</th>
                    <th scope="col">Keeps up</th>
                    <th scope="col" className="numeric">Records behind</th>
                  </tr>
                </thead>
                <tbody>
                  {gateway.feeds.map((feed) => (
                    <tr key={feed.stream} data-testid="gateway-feed" data-stream={feed.stream}>
                      <td>{feed.stream}</td>
                      <td>{feed.topic}</td>
                      <td className="numeric" data-testid="subscribers">{feed.subscribers}</td>
                      <td>{!feed.loaded ? 'loading the topic' : feed.caughtUp ? 'yes' : 'falling behind'}</td>
                      <td className="numeric">{feed.recordsBehind === null ? '—' : countText(feed.recordsBehind)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </Part>
      <Part id="topics" title="Topics" status={worst(health.topics.map((topic) => topic.status))} detail="How recently each pipeline topic got a record, as the gateway saw it.">
        <div className="table-scroll">
          <table className="data-table" data-testid="topics">
            <caption className="visually-hidden">Freshness of the pipeline&apos;s topics</caption>
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">Newest record</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {health.topics.map((topic) => (
                <tr key={topic.topic} data-testid="topic" data-topic={topic.topic}>
                  <td>{topic.topic}</td>
                  <td><Health status={topic.status} /></td>
                  <td className="numeric">{topic.newestRecordTimestampMs === 0 ? 'none' : `${duration(nowMs - topic.newestRecordTimestampMs)} ago`}</td>
                  <td><span className="message">{topic.detail}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Part>
    </div>
  );
}

/** The most severe of the levels (HEALTH_LEVELS is ordered by severity). */
function worst(levels: readonly HealthLevel[]): HealthLevel {
  return HEALTH_LEVELS.find((level) => levels.includes(level)) ?? 'UNKNOWN';
}

function Part({ id, title, status, detail, children }: { id: string; title: string; status: HealthLevel; detail: string; children?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`part-${id}`} data-testid="part" data-part={id} data-status={status}>
      <header className="panel-header">
        <h2 id={`part-${id}`}>{title}</h2>
        <Health status={status} />
      </header>
      <p className="summary" data-testid="part-detail">{detail}</p>
      {children}
    </section>
  );
}
