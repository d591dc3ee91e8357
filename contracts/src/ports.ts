/** Default ports of the local stack; each is overridable by the env var named beside it. */
export const PORTS = {
  kafka: { port: 9092, env: 'KAFKA_PORT' },
  kafkaController: { port: 9093, env: 'KAFKA_CONTROLLER_PORT' },
  registry: { port: 8081, env: 'REGISTRY_PORT' },
  connect: { port: 8083, env: 'CONNECT_PORT' },
  postgres: { port: 5432, env: 'PGPORT' },
  gateway: { port: 50051, env: 'GATEWAY_PORT' },
  dashboard: { port: 3000, env: 'DASHBOARD_PORT' },
} as const;
