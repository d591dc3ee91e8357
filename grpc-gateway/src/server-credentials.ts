import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';

export interface TlsFiles {
  /** PEM certificate (chain) file: GATEWAY_TLS_CERT_FILE. */
  readonly certFile?: string | undefined;
  /** PEM private key file of that certificate: GATEWAY_TLS_KEY_FILE. */
  readonly keyFile?: string | undefined;
}

function readPem(envVar: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${envVar}=${path}: cannot read the file: ${(error as Error).message}`);
  }
}

/**
 * The gateway's server credentials: TLS with the certificate and key files when both are set,
 * plaintext when neither is (the local stack). One without the other is an error, and so is a
 * file that cannot be read or a pair that TLS cannot use: each error names the env var and path,
 * and comes at start-up rather than at the first connection.
 */
export function serverCredentials({ certFile, keyFile }: TlsFiles): ServerCredentials {
  if (!certFile && !keyFile) return ServerCredentials.createInsecure();
  if (!certFile || !keyFile) {
    const [set, unset] = certFile ? ['GATEWAY_TLS_CERT_FILE', 'GATEWAY_TLS_KEY_FILE'] : ['GATEWAY_TLS_KEY_FILE', 'GATEWAY_TLS_CERT_FILE'];
    throw new Error(`${set} is set but ${unset} is not: TLS needs both the certificate and its private key (or neither, for plaintext)`);
  }
  const cert = readPem('GATEWAY_TLS_CERT_FILE', certFile);
  const key = readPem('GATEWAY_TLS_KEY_FILE', keyFile);
  try {
    // The same check the TLS server would make at the first handshake: PEM that parses, a key that matches.
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`GATEWAY_TLS_CERT_FILE=${certFile} with GATEWAY_TLS_KEY_FILE=${keyFile}: not a usable certificate and key: ${(error as Error).message}`);
  }
  return ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
}
