import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { serverCredentials } from './server-credentials.ts';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A self-signed pair made with the command the README gives. */
function selfSignedPair(dir: string): { certFile: string; keyFile: string } {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'gateway.key', '-out', 'gateway.crt', '-days', '365', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { cwd: dir, stdio: 'ignore' },
  );
  return { certFile: join(dir, 'gateway.crt'), keyFile: join(dir, 'gateway.key') };
}

test('plaintext when neither file is set', () => {
  assert.equal(serverCredentials({})._isSecure(), false);
  assert.equal(serverCredentials({ certFile: undefined, keyFile: undefined })._isSecure(), false);
});

test('one file without the other is an error naming both env vars', () => {
  assert.throws(() => serverCredentials({ certFile: '/x.crt' }), /GATEWAY_TLS_CERT_FILE is set but GATEWAY_TLS_KEY_FILE is not/);
  assert.throws(() => serverCredentials({ keyFile: '/x.key' }), /GATEWAY_TLS_KEY_FILE is set but GATEWAY_TLS_CERT_FILE is not/);
});

test('an unreadable file is an error naming the env var and the path', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'gateway.key');
  writeFileSync(keyFile, 'not a key');
  assert.throws(() => serverCredentials({ certFile: join(dir, 'missing.crt'), keyFile }), (error: Error) => {
    assert.match(error.message, new RegExp(`^GATEWAY_TLS_CERT_FILE=${join(dir, 'missing.crt')}: cannot read the file: ENOENT`));
    return true;
  });
  writeFileSync(join(dir, 'garbage.crt'), 'not a certificate');
  assert.throws(() => serverCredentials({ certFile: join(dir, 'garbage.crt'), keyFile }), /GATEWAY_TLS_CERT_FILE=.*garbage\.crt with GATEWAY_TLS_KEY_FILE=.*: not a usable certificate and key/);
});

test('TLS with a self-signed pair: a client trusting the certificate connects', { skip: !hasOpenssl && 'openssl is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  const { certFile, keyFile } = selfSignedPair(dir);
  const credentials = serverCredentials({ certFile, keyFile });
  assert.equal(credentials._isSecure(), true);

  // A key that is not the certificate's is caught at once, not at the first handshake.
  const other = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  const otherPair = selfSignedPair(other);
  assert.throws(() => serverCredentials({ certFile, keyFile: otherPair.keyFile }), /not a usable certificate and key/);

  const server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
  const client = new grpc.Client(`localhost:${port}`, grpc.credentials.createSsl(readFileSync(certFile)));
  t.after(() => {
    client.close();
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5000, (error) => (error ? reject(error) : resolve())));
});
