/** A component of the stack could not be set up or started. The message says which, why, and where to look. */
export class StackError extends Error {
  constructor(
    readonly component: string,
    message: string,
    readonly logFile?: string,
    options?: { cause?: unknown },
  ) {
    super(`[${component}] ${message}${logFile ? `\n  log: ${logFile}` : ''}`, options);
    this.name = 'StackError';
  }
}
