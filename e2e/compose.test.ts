// docker-compose.yml checked against the local stack's own definitions: its ports (contracts),
// the env it gives the services and Connect (@iot/stack), the connector configs (connect-config/)
// and the workspaces each image needs. It reads files only, so it runs where Docker does not: a
// change on either side that the other does not follow fails here rather than at `compose up`.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PORTS, TOPICS } from '@iot/contracts';
import { connectorEnv, loadStackConfig, readConnectorConfigs, serviceEnv } from '@iot/stack';

const REPO_ROOT = join(import.meta.dirname, '..');

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target?: number; published?: string | number }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: Array<string | { source?: string; target?: string }>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services?: Record<string, ComposeService> };
const services = compose.services ?? {};

/** The local stack with its defaults: what `npm start` gives each component. */
const localStack = loadStackConfig({});

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

/** A service's environment as strings, from either the map or the list form. */
function envOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function envVar(name: string, variable: string): string {
  const value = envOf(name)[variable];
  assert.ok(value, `service ${name} does not set ${variable}`);
  return value;
}

/** depends_on in the long form (the short form has no condition). */
function dependsOn(name: string): Record<string, { condition?: string }> {
  const deps = service(name).depends_on ?? {};
  assert.ok(!Array.isArray(deps), `service ${name}: depends_on must name a condition for each dependency`);
  return deps;
}

interface PublishedPort {
  variable: string;
  fallback: number;
  target: number;
}

/** "[ip:]${VAR:-default}:target", the only port form this file uses. */
function publishedPorts(name: string): PublishedPort[] {
  return (service(name).ports ?? []).map((entry) => {
    const match = /^(?:[\d.]+:)?\$\{(\w+):-(\d+)\}:(\d+)$/.exec(String(entry));
    assert.ok(match, `service ${name}: port "${JSON.stringify(entry)}" is not of the form [ip:]\${VAR:-default}:port`);
    return { variable: match[1]!, fallback: Number(match[2]), target: Number(match[3]) };
  });
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** host:port of a listener in a Kafka listener list such as "INTERNAL://kafka:29092,EXTERNAL://...". */
function kafkaListener(list: string, name: string): string {
  const entry = list.split(',').find((listener) => listener.startsWith(`${name}://`));
  assert.ok(entry, `no ${name} listener in "${list}"`);
  return entry.slice(`${name}://`.length);
}

const INFRASTRUCTURE = ['kafka', 'registry', 'connect', 'postgres'] as const;
const APPS = ['producers', 'stream-processor', 'grpc-gateway', 'dashboard'] as const;

test('compose defines every service of the pipeline: infrastructure, provision and the four apps', () => {
  for (const name of [...INFRASTRUCTURE, 'provision', ...APPS]) service(name);
});

test('infrastructure images are the pinned versions the local stack runs', () => {
  assert.equal(service('kafka').image, 'apache/kafka:3.9.1');
  assert.equal(service('registry').image, 'apicurio/apicurio-registry:3.3.3');
  assert.equal(service('connect').image, 'quay.io/debezium/connect:3.2.0.Final');
  assert.match(service('postgres').image ?? '', /^postgres:\d+/);
});

test('each published host port defaults to the local stack port and is overridden by the same env var', () => {
  const published: Record<string, keyof typeof PORTS> = {
    kafka: 'kafka',
    registry: 'registry',
    connect: 'connect',
    postgres: 'postgres',
    'grpc-gateway': 'gateway',
    dashboard: 'dashboard',
  };
  for (const [name, key] of Object.entries(published)) {
    const ports = publishedPorts(name);
    assert.equal(ports.length, 1, `service ${name} should publish exactly one port`);
    const [port] = ports;
    assert.equal(port!.variable, PORTS[key].env, `service ${name}: host port variable`);
    assert.equal(port!.fallback, PORTS[key].port, `service ${name}: host port default`);
    assert.equal(port!.target, PORTS[key].port, `service ${name}: container port`);
  }
  // The container ports above are the ones the servers are configured to listen on.
  assert.equal(portOf(kafkaListener(envVar('kafka', 'KAFKA_LISTENERS'), 'EXTERNAL')), PORTS.kafka.port);
  assert.equal(kafkaListener(envVar('kafka', 'KAFKA_ADVERTISED_LISTENERS'), 'EXTERNAL'), `localhost:\${${PORTS.kafka.env}:-${PORTS.kafka.port}}`);
  assert.equal(Number(envVar('registry', 'QUARKUS_HTTP_PORT')), PORTS.registry.port);
  assert.equal(portOf(envVar('connect', 'CONNECT_LISTENERS')), PORTS.connect.port);
  assert.equal(Number(envVar('grpc-gateway', 'GATEWAY_PORT')), PORTS.gateway.port);
  // Nothing else on the host claims one of these ports' variables.
  const variables = Object.keys(services).flatMap((name) => publishedPorts(name).map((port) => port.variable));
  assert.equal(new Set(variables).size, variables.length, `a host port variable is used twice: ${variables.join(', ')}`);
});

test('every stack env var an app reads is set on its compose service, plus GATEWAY_HOST for the gateway', () => {
  const local = serviceEnv(localStack);
  const configSources: Record<(typeof APPS)[number], string> = {
    producers: 'producers/src/config.ts',
    'stream-processor': 'stream-processor/src/config.ts',
    'grpc-gateway': 'grpc-gateway/src/config.ts',
    dashboard: 'dashboard/src/server/config.ts',
  };
  // What each app needs at the least; the scan of its config below must find these too.
  const required: Record<(typeof APPS)[number], string[]> = {
    producers: ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'],
    'stream-processor': ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'],
    'grpc-gateway': ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'GATEWAY_PORT', 'GATEWAY_HOST'],
    dashboard: ['GATEWAY_ADDRESS'],
  };
  for (const app of APPS) {
    const source = readFileSync(join(REPO_ROOT, configSources[app]), 'utf8');
    const reads = Object.keys(local).filter((variable) => new RegExp(`\\b${variable}\\b`).test(source));
    for (const variable of required[app].filter((name) => name in local)) {
      assert.ok(reads.includes(variable), `${configSources[app]} no longer reads ${variable}; update this test's expectations`);
    }
    const env = envOf(app);
    for (const variable of new Set([...reads, ...required[app]])) {
      assert.ok(env[variable], `service ${app} reads ${variable} (${configSources[app]}) but compose does not set it`);
    }
  }
  // In a container the gateway must listen beyond loopback.
  assert.equal(envVar('grpc-gateway', 'GATEWAY_HOST'), '0.0.0.0');
});

test('service addresses point at the compose services that stand for the local stack addresses', () => {
  const local = serviceEnv(localStack);
  const internalKafka = kafkaListener(envVar('kafka', 'KAFKA_ADVERTISED_LISTENERS'), 'INTERNAL');
  assert.equal(internalKafka.split(':')[0], 'kafka');
  const registryPort = envVar('registry', 'QUARKUS_HTTP_PORT');
  for (const name of Object.keys(services)) {
    const env = envOf(name);
    if (env.KAFKA_BROKERS !== undefined) assert.equal(env.KAFKA_BROKERS, internalKafka, `service ${name}: KAFKA_BROKERS`);
    if (env.SCHEMA_REGISTRY_URL !== undefined) {
      const url = new URL(env.SCHEMA_REGISTRY_URL);
      assert.equal(url.host, `registry:${registryPort}`, `service ${name}: SCHEMA_REGISTRY_URL host`);
      assert.equal(url.pathname, new URL(local.SCHEMA_REGISTRY_URL!).pathname, `service ${name}: SCHEMA_REGISTRY_URL must be the ccompat API, as locally`);
    }
  }
  assert.equal(envVar('dashboard', 'GATEWAY_ADDRESS'), `grpc-gateway:${envVar('grpc-gateway', 'GATEWAY_PORT')}`);
  assert.equal(envVar('connect', 'BOOTSTRAP_SERVERS'), internalKafka);
});

test('connect defines every ${env:NAME} the connector configs use, and enables the env config provider', () => {
  const connectors = readConnectorConfigs();
  assert.ok(connectors.length > 0, 'connect-config/ has no connectors');
  const referenced = new Set(
    connectors.flatMap((connector) => Object.values(connector.config).flatMap((value) => [...value.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]!))),
  );
  assert.ok(referenced.size > 0, 'no ${env:...} references found in connect-config/ (the parse is broken or the configs changed)');
  const env = envOf('connect');
  for (const variable of referenced) assert.ok(env[variable], `connect does not set ${variable}, which a connector config reads`);
  // The same variables the local stack hands its Connect worker, not only those used today.
  for (const variable of Object.keys(connectorEnv(localStack))) assert.ok(env[variable], `connect does not set ${variable} (connectorEnv)`);

  assert.ok(envVar('connect', 'CONNECT_CONFIG_PROVIDERS').split(',').map((name) => name.trim()).includes('env'));
  assert.equal(envVar('connect', 'CONNECT_CONFIG_PROVIDERS_ENV_CLASS'), 'org.apache.kafka.common.config.provider.EnvVarConfigProvider');
  if (connectors.some((connector) => Object.values(connector.config).some((value) => value.startsWith('io.apicurio.')))) {
    assert.equal(envVar('connect', 'ENABLE_APICURIO_CONVERTERS'), 'true', 'connectors use the Apicurio converter');
  }
});

test("connect's database env is what the local stack derives from provision's DATABASE_URL, and its registry URL is the v2 API", () => {
  const env = envOf('connect');
  const databaseUrl = envVar('provision', 'DATABASE_URL');
  const expected = connectorEnv(loadStackConfig({ DATABASE_URL: databaseUrl }));
  for (const [variable, value] of Object.entries(expected)) {
    if (variable === 'IOT_REGISTRY_V2_URL') continue;
    assert.equal(env[variable], value, `connect ${variable} should match DATABASE_URL ${databaseUrl}`);
  }
  const registry = new URL(envVar('connect', 'IOT_REGISTRY_V2_URL'));
  assert.equal(registry.host, `registry:${envVar('registry', 'QUARKUS_HTTP_PORT')}`);
  assert.equal(registry.pathname, new URL(connectorEnv(localStack).IOT_REGISTRY_V2_URL!).pathname);
});

test('with topic auto-creation off, every topic a connector reads or writes is a contract topic provision creates', () => {
  assert.equal(envVar('kafka', 'KAFKA_AUTO_CREATE_TOPICS_ENABLE'), 'false');
  const contractTopics = new Set(TOPICS.map((topic) => topic.name));
  for (const connector of readConnectorConfigs()) {
    const topics = [
      ...(connector.config.topics ?? '').split(','),
      connector.config['errors.deadletterqueue.topic.name'] ?? '',
    ].map((topic) => topic.trim()).filter(Boolean);
    for (const topic of topics) assert.ok(contractTopics.has(topic), `connector ${connector.name} uses topic ${topic}, which provision does not create`);
  }
});

test('every service with dependents has a healthcheck, and dependents wait for healthy (or for provision to complete)', () => {
  let dependencies = 0;
  for (const name of Object.keys(services)) {
    for (const [dependency, { condition }] of Object.entries(dependsOn(name))) {
      dependencies += 1;
      const target = service(dependency);
      if (dependency === 'provision') {
        assert.equal(condition, 'service_completed_successfully', `${name} -> provision`);
        continue;
      }
      assert.equal(condition, 'service_healthy', `${name} -> ${dependency}`);
      const check = target.healthcheck;
      assert.ok(check?.test && !check.disable, `${dependency} has dependents but no healthcheck`);
      const command = Array.isArray(check.test) ? check.test : ['CMD-SHELL', check.test];
      assert.notEqual(command[0], 'NONE', `${dependency}: healthcheck disabled`);
      assert.ok(command.length > 1, `${dependency}: empty healthcheck`);
    }
  }
  assert.ok(dependencies > 0);
  for (const app of ['producers', 'stream-processor', 'grpc-gateway']) {
    assert.equal(dependsOn(app).provision?.condition, 'service_completed_successfully', `${app} must start after provision`);
  }
});

test('every service waits, through depends_on, for each compose service its environment points at', () => {
  const names = new Set(Object.keys(services));
  for (const name of names) {
    const deps = dependsOn(name);
    for (const value of Object.values(envOf(name))) {
      for (const match of value.matchAll(/(?:^|[/@,])([a-z][a-z0-9-]*):\d+/g)) {
        const host = match[1]!;
        if (host === name || !names.has(host)) continue;
        assert.ok(deps[host], `service ${name} talks to ${host} (${value}) but does not depend on it`);
      }
    }
  }
});

test('postgres runs with wal_level=logical and its init script creates the role and both databases the services use', () => {
  const postgres = service('postgres');
  const command = Array.isArray(postgres.command) ? postgres.command.join(' ') : (postgres.command ?? '');
  assert.match(command, /(^|\s)wal_level=logical(\s|$)/);
  assert.match(JSON.stringify(postgres.healthcheck?.test ?? ''), /pg_isready/);

  const initMount = (postgres.volumes ?? [])
    .map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? '']))
    .find(([, target]) => target === '/docker-entrypoint-initdb.d');
  assert.ok(initMount?.[0], 'postgres mounts no init scripts at /docker-entrypoint-initdb.d');
  const initDir = resolve(REPO_ROOT, initMount[0]);
  assert.ok(existsSync(initDir), `${initMount[0]} does not exist`);
  const sql = readdirSync(initDir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => readFileSync(join(initDir, file), 'utf8'))
    .join('\n');

  const app = new URL(envVar('provision', 'DATABASE_URL'));
  const role = decodeURIComponent(app.username);
  assert.match(sql, new RegExp(`CREATE ROLE ${role}\\b[^;]*\\bLOGIN\\b[^;]*\\bREPLICATION\\b[^;]*PASSWORD '${decodeURIComponent(app.password)}'`, 'i'));
  const registryDatabase = envVar('registry', 'APICURIO_DATASOURCE_URL').split('/').pop()!;
  for (const database of [app.pathname.slice(1), registryDatabase]) {
    assert.match(sql, new RegExp(`CREATE DATABASE ${database} OWNER ${role}\\s*;`, 'i'));
  }
  assert.equal(envVar('registry', 'APICURIO_DATASOURCE_USERNAME'), role);
  assert.equal(envVar('registry', 'APICURIO_DATASOURCE_PASSWORD'), decodeURIComponent(app.password));
  assert.equal(envVar('registry', 'APICURIO_STORAGE_KIND'), 'sql');
  assert.equal(envVar('registry', 'APICURIO_STORAGE_SQL_KIND'), 'postgresql');
});

test('every Dockerfile a build: names exists and copies each workspace its app depends on', () => {
  const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  const manifests = new Map(
    rootManifest.workspaces.map((folder) => [folder, JSON.parse(readFileSync(join(REPO_ROOT, folder, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> }]),
  );
  const folderOf = new Map([...manifests].map(([folder, manifest]) => [manifest.name, folder]));
  const closure = (folder: string, seen = new Set<string>()): Set<string> => {
    seen.add(folder);
    for (const dependency of Object.keys(manifests.get(folder)?.dependencies ?? {})) {
      const next = folderOf.get(dependency);
      if (next && !seen.has(next)) closure(next, seen);
    }
    return seen;
  };

  const built = Object.entries(services).filter(([, definition]) => definition.build !== undefined);
  assert.deepEqual(built.map(([name]) => name).sort(), ['dashboard', 'grpc-gateway', 'producers', 'provision', 'stream-processor']);
  for (const [name, definition] of built) {
    const build = typeof definition.build === 'string' ? { context: definition.build } : definition.build!;
    const context = resolve(REPO_ROOT, build.context ?? '.');
    assert.equal(context, resolve(REPO_ROOT), `service ${name}: the build context must be the repository root (the images need the root lockfile)`);
    const dockerfile = join(context, build.dockerfile ?? 'Dockerfile');
    assert.ok(existsSync(dockerfile), `service ${name}: ${build.dockerfile} does not exist`);
    const text = readFileSync(dockerfile, 'utf8');
    const workspace = dirname(build.dockerfile ?? 'Dockerfile');
    assert.ok(manifests.has(workspace), `service ${name}: ${build.dockerfile} is not in a workspace folder`);
    assert.match(text, new RegExp(`npm ci [^\\n]*--workspace[ =]${workspace}\\b`), `${build.dockerfile} must install its workspace with npm ci`);
    for (const folder of closure(workspace)) {
      // The sources, not only the manifest: `COPY <folder>/ ...` or `COPY <folder>/src/ ...`.
      assert.match(text, new RegExp(`^COPY\\s+(?:--\\S+\\s+)*${folder}/(?:src/)?\\s`, 'm'), `${build.dockerfile} does not copy the sources of ${folder}/, which ${workspace} depends on`);
    }
  }

  // The apps run as the local stack runs them; the stack image runs provision.
  for (const app of ['producers', 'stream-processor', 'grpc-gateway']) {
    assert.match(readFileSync(join(REPO_ROOT, app, 'Dockerfile'), 'utf8'), /^CMD \["node", "--import", "tsx", "src\/main\.ts"\]$/m);
  }
  const stackDockerfile = readFileSync(join(REPO_ROOT, 'stack', 'Dockerfile'), 'utf8');
  assert.match(stackDockerfile, /^CMD \["node", "--import", "tsx", "src\/cli\.ts", "provision"\]$/m);
  for (const folder of ['stack/sql/', 'connect-config/']) assert.match(stackDockerfile, new RegExp(`^COPY ${folder}`, 'm'));
});
