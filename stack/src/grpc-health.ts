import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthCheck = (
  request: { service: string },
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, reply?: { status: string }) => void,
) => void;
type HealthClient = grpc.Client & { Check: HealthCheck };

const healthPackage = grpc.loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String })) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials) => HealthClient } } };
};

/** Asks a server's grpc.health.v1.Health service for a service's status (SERVING, NOT_SERVING, ...). */
export async function grpcHealthStatus(address: string, service: string, timeoutMs = 3000): Promise<string> {
  const client = new healthPackage.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, reply) => (error ? reject(error) : resolve(reply?.status ?? 'UNKNOWN'))),
    );
  } finally {
    client.close();
  }
}
