import { pino, type Logger } from 'pino';
import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';

export type { Logger } from 'pino';

/** JSON logs on stdout, one child logger per component. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}

const RETRIABLE = /another concurrent operation on the same transaction|coordinator is loading|not the correct coordinator|leader is not available/i;

/** Routes kafkajs's own log lines into pino, under component "kafkajs". */
export function kafkaLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      // kafkajs logs errors it is about to retry (a transaction coordinator still finishing the
      // previous commit, a group coordinator loading) at ERROR; they are warnings until retries run out.
      const retrying = 'retryCount' in extra || RETRIABLE.test(String(extra.error ?? ''));
      if (level <= KafkaLogLevel.ERROR && !retrying) child.error(extra, message);
      else if (level <= KafkaLogLevel.WARN) child.warn(extra, message);
      else if (level === KafkaLogLevel.INFO) child.info(extra, message);
      else child.debug(extra, message);
    };
}
