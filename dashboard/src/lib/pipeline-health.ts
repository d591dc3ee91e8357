/**
 * The Pipeline page's data: the gateway's GetPipelineHealth answer as plain JSON (enum names
 * without their proto prefix, unset optionals as null), shared by the route (server) and the
 * page (browser). No imports: safe for client components.
 */

export const PIPELINE_HEALTH_PATH = '/api/pipeline/health';
/** How often the page asks again. */
export const PIPELINE_POLL_MS = 5_000;

export type HealthLevel = 'UP' | 'DEGRADED' | 'DOWN' | 'UNKNOWN';
export const HEALTH_LEVELS: readonly HealthLevel[] = ['DOWN', 'DEGRADED', 'UNKNOWN', 'UP'];

export interface PartHealth {
  status: HealthLevel;
  detail: string;
  /** How long the gateway's probe took, ms. */
  probeMs: number;
}

export interface BrokerView extends PartHealth {
  clusterId: string;
  controllerId: number;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

export interface RegistryView extends PartHealth {
  url: string;
  subjectCount: number;
  missingSubjects: string[];
}

export interface ConnectorView {
  name: string;
  type: string;
  status: HealthLevel;
  detail: string;
  /** RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING or UNSPECIFIED. */
  state: string;
  workerId: string;
  trace: string;
  tasks: Array<{ id: number; state: string; workerId: string; trace: string }>;
}

export interface ConnectView extends PartHealth {
  url: string;
  connectors: ConnectorView[];
}

export interface ProcessorView extends PartHealth {
  groupId: string;
  /** STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD or UNSPECIFIED. */
  groupState: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string; partitions: number }>;
  totalLag: number;
  lagByTopic: Array<{ topic: string; lag: number; partitions: number }>;
  consumedPerSecond: number | null;
  producedPerSecond: number | null;
  rateWindowMs: number;
}

export interface GatewayView {
  status: HealthLevel;
  detail: string;
  startedAtMs: number;
  uptimeMs: number;
  feeds: Array<{ stream: string; topic: string; subscribers: number; loaded: boolean; caughtUp: boolean; recordsBehind: number | null }>;
}

export interface TopicView {
  topic: string;
  status: HealthLevel;
  detail: string;
  newestRecordTimestampMs: number;
  newestRecordAgeMs: number | null;
  staleAfterMs: number;
}

export interface PipelineHealthView {
  status: HealthLevel;
  detail: string;
  checkedAtMs: number;
  broker: BrokerView | null;
  schemaRegistry: RegistryView | null;
  kafkaConnect: ConnectView | null;
  streamProcessor: ProcessorView | null;
  gateway: GatewayView | null;
  topics: TopicView[];
}

/** What `/api/pipeline/health` answers: the view, or why the gateway could not be asked. */
export type PipelineHealthResult =
  | { ok: true; health: PipelineHealthView }
  | { ok: false; message: string; atMs: number };

/** A parsed JSON body as a result, or null when it is neither shape (a proxy's error page, say). */
export function toPipelineHealthResult(body: unknown): PipelineHealthResult | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = body as Record<string, unknown>;
  if (value.ok === true && typeof value.health === 'object' && value.health !== null) {
    const health = value.health as Record<string, unknown>;
    if (typeof health.status === 'string' && typeof health.checkedAtMs === 'number' && Array.isArray(health.topics)) return { ok: true, health: health as unknown as PipelineHealthView };
    return null;
  }
  if (value.ok === false && typeof value.message === 'string' && typeof value.atMs === 'number') return { ok: false, message: value.message, atMs: value.atMs };
  return null;
}
