import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from './config.ts';
import { REPO_ROOT } from './config.ts';
import { StackError } from './errors.ts';
import { findJava } from './java.ts';

const run = promisify(execFile);
const MAVEN_DIR = join(REPO_ROOT, 'stack', 'maven');
const MAVEN_PROJECTS = ['kafka', 'apicurio-converter', 'archives'] as const;

/** What the installed tree was made from; a change to any POM re-installs. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const project of MAVEN_PROJECTS) hash.update(readFileSync(join(MAVEN_DIR, project, 'pom.xml')));
  return hash.digest('hex');
}

async function checkCommand(component: string, command: string, args: string[], hint: string): Promise<void> {
  try {
    await run(command, args);
  } catch (error) {
    throw new StackError(component, `${command} is not usable (${(error as Error).message.split('\n')[0]}). ${hint}`);
  }
}

/**
 * Copies Kafka's jars and the server archives out of Maven Central (through ~/.m2, with
 * strict checksum checks), unpacks them under .stack/, and records what it did. A second
 * call with the same POMs does nothing.
 */
export async function install(config: StackConfig, log: (line: string) => void): Promise<void> {
  const marker = join(config.home, 'installed.sha256');
  const wanted = fingerprint();
  // The marker alone is not enough: a half-deleted .stack/ reinstalls too.
  const present = [
    join(config.paths.lib, 'kafka', 'kafka_2.13-3.9.1.jar'),
    join(config.paths.registryApp, 'quarkus-run.jar'),
    join(config.paths.plugins, 'debezium-connector-jdbc'),
    join(config.paths.plugins, 'debezium-connector-postgres'),
    join(config.paths.plugins, 'apicurio-converter'),
  ].every((path) => existsSync(path));
  if (present && existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted) return;

  await findJava('install', 17, config.JAVA_HOME, 'JAVA_HOME');
  await checkCommand('install', 'mvn', ['-v'], 'Install Apache Maven (Debian: apt-get install -y maven).');

  log('downloading Kafka, Connect plugins and Apicurio Registry from Maven Central (first run only)…');
  const staging = join(config.home, 'staging');
  rmSync(staging, { recursive: true, force: true });
  for (const project of MAVEN_PROJECTS) {
    const out = join(staging, project);
    try {
      await run(
        'mvn',
        ['-B', '-q', '--strict-checksums', '-f', join(MAVEN_DIR, project, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${out}`],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      throw new StackError(
        'install',
        `Maven could not fetch stack/maven/${project}/pom.xml's artifacts. Is Maven Central reachable (proxy, ~/.m2/settings.xml)?\n${output.trim().split('\n').slice(-8).join('\n')}`,
      );
    }
  }

  for (const dir of [config.paths.lib, config.paths.plugins, config.paths.registryApp]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(config.paths.lib, { recursive: true });
  mkdirSync(config.paths.plugins, { recursive: true });
  renameSync(join(staging, 'kafka'), join(config.paths.lib, 'kafka'));
  renameSync(join(staging, 'apicurio-converter'), join(config.paths.plugins, 'apicurio-converter'));

  const archives = join(staging, 'archives');
  for (const archive of readdirSync(archives)) {
    const file = join(archives, archive);
    if (archive.startsWith('apicurio-registry-app-')) {
      mkdirSync(config.paths.registryApp, { recursive: true });
      await run('tar', ['-xzf', file, '-C', config.paths.registryApp]);
    } else if (archive.startsWith('debezium-connector-')) {
      await run('tar', ['-xzf', file, '-C', config.paths.plugins]);
    } else {
      throw new StackError('install', `unexpected archive ${archive} in stack/maven/archives`);
    }
  }
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(marker, `${wanted}\n`);
  log('installed under ' + config.home);
}
