export { loadStackConfig, type StackConfig } from './config.ts';
export { up, upWithApps, down, status } from './stack.ts';
export { serviceEnv } from './apps.ts';
export {
  readConnectorConfigs,
  connectorStatuses,
  connectorStatus,
  connectorEnv,
  changeConnectorState,
  hasSettled,
  resetConnectorOffsets,
  waitForConnector,
  type ConnectorStatus,
} from './connect.ts';
export { StackError } from './errors.ts';
export { killComponent } from './process.ts';
export { grpcHealthStatus } from './grpc-health.ts';
