import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.ts';

const run = promisify(execFile);
const JVM_DIR = '/usr/lib/jvm';

async function majorVersion(java: string): Promise<number | undefined> {
  try {
    const { stderr } = await run(java, ['-version']);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
    if (!match) return undefined;
    const major = Number(match[1]);
    return major === 1 ? Number(match[2]) : major;
  } catch {
    return undefined;
  }
}

/**
 * A java binary of at least `minimum`: $javaHomeEnv if set, else `java` on the PATH, else the
 * newest JDK under /usr/lib/jvm. Kafka runs on 17; Apicurio Registry 3.3 needs 21.
 */
export async function findJava(component: string, minimum: number, javaHome: string | undefined, javaHomeEnv: string): Promise<string> {
  if (javaHome) {
    const java = join(javaHome, 'bin', 'java');
    const version = await majorVersion(java);
    if (version !== undefined && version >= minimum) return java;
    const found = version === undefined ? `no runnable ${java}` : `Java ${version}`;
    throw new StackError(component, `${javaHomeEnv}=${javaHome}: ${found}; ${component} needs Java ${minimum} or newer.`);
  }
  const candidates = ['java'];
  if (existsSync(JVM_DIR)) candidates.push(...readdirSync(JVM_DIR).map((dir) => join(JVM_DIR, dir, 'bin', 'java')).filter(existsSync));
  let best: { java: string; version: number } | undefined;
  for (const java of candidates) {
    const version = await majorVersion(java);
    if (version === undefined || version < minimum) continue;
    if (java === 'java') return java;
    if (!best || version > best.version) best = { java, version };
  }
  if (best) return best.java;
  throw new StackError(
    component,
    `needs Java ${minimum} or newer and found none (checked java on the PATH and ${JVM_DIR}). ` +
      `Install one (Debian: apt-get install -y openjdk-${minimum}-jre-headless where available) or set ${javaHomeEnv}.`,
  );
}
