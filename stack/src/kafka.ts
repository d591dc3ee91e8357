import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs, { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@iot/contracts';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { findJava } from './java.ts';
import { assertPortFree, logFileOf, runningPid, startDetached, waitUntilHealthy, type ManagedProcess } from './process.ts';

const run = promisify(execFile);
// Not visible as an ES named export of the CommonJS package.
const { ConfigResourceTypes } = kafkajs;
export const KAFKA = 'kafka';

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.org.reflections=ERROR
`;

/** The JVM command line every Kafka-classpath process (broker, Connect, tools) shares. */
export async function kafkaJava(config: StackConfig, heap: string, mainClass: string, args: string[]): Promise<Omit<ManagedProcess, 'name'>> {
  writeConf(config, 'log4j.properties', LOG4J);
  return {
    command: await findJava('kafka', 17, config.JAVA_HOME, 'JAVA_HOME'),
    args: [
      `-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
      '-Duser.timezone=UTC',
      `-Dlog4j.configuration=file:${join(config.paths.conf, 'log4j.properties')}`,
      '-cp', `${join(config.paths.lib, 'kafka')}/*`,
      mainClass, ...args,
    ],
  };
}

export function writeConf(config: StackConfig, file: string, text: string): string {
  mkdirSync(config.paths.conf, { recursive: true });
  const path = join(config.paths.conf, file);
  writeFileSync(path, text);
  return path;
}

function serverProperties(config: StackConfig): string {
  return `# Written by the stack tool on every start; edit stack/src/kafka.ts instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${config.KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${config.KAFKA_PORT},CONTROLLER://127.0.0.1:${config.KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${config.KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(config.paths.data, 'kafka')}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
log.cleaner.enable=true
`;
}

export function createAdminKafka(config: StackConfig): Kafka {
  return new Kafka({ clientId: 'iot-stack', brokers: [config.kafkaBootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

async function brokerHealthy(config: StackConfig): Promise<boolean> {
  const admin = createAdminKafka(config).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect();
  }
}

/** Starts it unless it runs; pushes its name to `started` as soon as the process exists. */
export async function startKafka(config: StackConfig, log: (line: string) => void, started: string[]): Promise<void> {
  if (runningPid(config, KAFKA) !== undefined) {
    await waitUntilHealthy(config, KAFKA, () => brokerHealthy(config));
    return;
  }
  await assertPortFree(KAFKA, config.KAFKA_PORT, 'KAFKA_PORT');
  await assertPortFree(KAFKA, config.KAFKA_CONTROLLER_PORT, 'KAFKA_CONTROLLER_PORT');
  const properties = writeConf(config, 'server.properties', serverProperties(config));
  const dataDir = join(config.paths.data, 'kafka');
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    log('kafka: formatting KRaft storage');
    const format = await kafkaJava(config, '256m', 'kafka.tools.StorageTool', ['format', '-t', randomUUID(), '-c', properties]);
    try {
      await run(format.command, format.args);
    } catch (error) {
      throw new StackError(KAFKA, `formatting storage failed: ${(error as Error).message}`);
    }
  }
  const broker = await kafkaJava(config, '1g', 'kafka.Kafka', [properties]);
  startDetached(config, { ...broker, name: KAFKA, env: { KAFKA_LOGS_DIR: config.paths.logs } });
  started.push(KAFKA);
  log(`kafka: starting on 127.0.0.1:${config.KAFKA_PORT} (log ${logFileOf(config, KAFKA)})`);
  await waitUntilHealthy(config, KAFKA, () => brokerHealthy(config));
}

/** The cluster id of the running broker (KRaft), which changes when its storage is formatted anew. */
export async function kafkaClusterId(config: StackConfig): Promise<string> {
  const admin = createAdminKafka(config).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates every contract topic that is missing, with its partitions and configs, and brings
 * the configs of existing ones in line with the contract (a changed retention or segment size
 * in contracts/src/topics.ts reaches topics created before). Returns what it did, for the log.
 */
export async function ensureTopics(config: StackConfig): Promise<string[]> {
  const admin = createAdminKafka(config).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPICS.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const present = TOPICS.filter((topic) => existing.has(topic.name));
    const described = present.length === 0 ? { resources: [] } : await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.name, configNames: Object.keys(topic.configs) })),
    });
    const drifted = present.filter((topic) => {
      const actual = described.resources.find((resource) => resource.resourceName === topic.name)?.configEntries ?? [];
      return Object.entries(topic.configs).some(([name, value]) => actual.find((entry) => entry.configName === name)?.configValue !== value);
    });
    if (drifted.length > 0) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: drifted.map((topic) => ({
          type: ConfigResourceTypes.TOPIC,
          name: topic.name,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return [...missing.map((topic) => `created ${topic.name}`), ...drifted.map((topic) => `updated configs of ${topic.name}`)];
  } finally {
    await admin.disconnect();
  }
}
