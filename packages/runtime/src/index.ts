export { parseEnv, envVar, ConfigError } from './config.ts';
export { createLogger, kafkaLogCreator, type Logger } from './logger.ts';
export { createKafka, createRegistry, registerSchema, connectIdempotentProducer } from './kafka.ts';
export { createMetrics, serveMetrics } from './metrics.ts';
export { onShutdown, exitOnStartFailure } from './shutdown.ts';
export { CatchUp } from './catch-up.ts';
export { createAlertAckWriter, type AlertAckWriter, type AlertAckRequest, type AlertAckPosition } from './alert-acks.ts';
export { decodeFramedParts, type FramedParts, type FrameRejectionKind } from './registry-decode.ts';
