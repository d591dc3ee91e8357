import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { service as healthService } from 'grpc-health-check';
import { PROTO_LOADER_OPTIONS } from '@iot/contracts/grpc';

/** The services server reflection describes (what `grpcurl list` shows). */
export const REFLECTED_SERVICES = ['iot.v1.PipelineService', 'grpc.health.v1.Health'] as const;

/** contracts/proto, found through the @iot/contracts package (the same path in the repository and the image). */
export const CONTRACTS_PROTO_DIR = join(dirname(createRequire(import.meta.url).resolve('@iot/contracts')), '..', 'proto');

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];
/** What @grpc/proto-loader puts in a service definition beyond grpc-js's view of it: the message types, each with its file descriptors. */
type LoadedMethod = { requestType: LoadedType; responseType: LoadedType };
type LoadedType = { type: { name?: string | null }; fileDescriptorProtos: Buffer[] };

/**
 * A package definition of the two services and their message types, each message carrying the
 * descriptor of its .proto file (and of the files it imports): all that reflection reads.
 *
 * iot.v1 comes from contracts/proto/iot/v1/pipeline.proto, loaded with `keepCase: true`, and not
 * from the committed JSON descriptor behind `loadPipelineProto`: that one was made with
 * camelCase field names (finalsOnly), so through reflection grpcurl and the like would neither
 * show the contract's names nor accept them in JSON (`{"finals_only": true}`). The wire format
 * is the same either way (field numbers). Health comes from grpc-health-check, which loads its
 * .proto with keepCase too.
 */
export function reflectionPackageDefinition(protoDir: string = CONTRACTS_PROTO_DIR): PackageDefinition {
  const pipeline = loadSync('iot/v1/pipeline.proto', { ...PROTO_LOADER_OPTIONS, keepCase: true, includeDirs: [protoDir] });
  const services: Record<(typeof REFLECTED_SERVICES)[number], unknown> = {
    'iot.v1.PipelineService': pipeline['iot.v1.PipelineService'],
    'grpc.health.v1.Health': healthService,
  };
  const definition: Record<string, unknown> = {};
  for (const [serviceName, service] of Object.entries(services)) {
    if (!service) throw new Error(`reflection: ${serviceName} is not in its .proto (looked in ${protoDir})`);
    definition[serviceName] = service;
    const packageName = serviceName.slice(0, serviceName.lastIndexOf('.'));
    for (const method of Object.values(service as Record<string, LoadedMethod>)) {
      for (const type of [method.requestType, method.responseType]) definition[`${packageName}.${type.type.name ?? 'unnamed'}`] = type;
    }
  }
  return definition as PackageDefinition;
}

/**
 * Adds gRPC server reflection (grpc.reflection.v1 and v1alpha) describing iot.v1.PipelineService
 * and grpc.health.v1.Health, so that grpcurl, Postman and the like need no .proto file. Like
 * health, it is a service of its own, outside withAuth: it needs no bearer token.
 */
export function addReflection(server: Pick<grpc.Server, 'addService'>): void {
  new ReflectionService(reflectionPackageDefinition(), { services: [...REFLECTED_SERVICES] }).addToServer(server);
}
