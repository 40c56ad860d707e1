/**
 * pino logger factory. JSON lines to stdout unless a destination is given (tests pass a stream and
 * parse the lines). Every argument of every log call goes through the Sanitizer, child bindings too,
 * so credentials cannot reach the output whatever shape they arrive in.
 */
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { Sanitizer, SECRET_HEADER_NAMES } from './sanitize';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: LevelWithSilent | string;
  /** Where JSON lines go; stdout when absent. */
  readonly destination?: DestinationStream;
  /** Extra header/key names to redact, in addition to authorization, x-api-key, api-key. */
  readonly redactKeys?: readonly string[];
  /** Configured secret values (API keys) to blank wherever they appear in logged strings. */
  readonly secretValues?: readonly string[];
  /** Static fields on every line (e.g. { service: 'runner' }). */
  readonly base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const sanitizer = new Sanitizer({
    secretNames: [...SECRET_HEADER_NAMES, ...(opts.redactKeys ?? [])],
    secretValues: opts.secretValues,
  });
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { pid: process.pid, ...(opts.base ?? {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
    },
    hooks: {
      logMethod(args, method) {
        // An Error as the merging object is logged under `err`, as pino itself would.
        const clean = (args as unknown[]).map((a, i) => (i === 0 && a instanceof Error ? { err: sanitizer.value(a) } : sanitizer.value(a)));
        return method.apply(this, clean as Parameters<typeof method>);
      },
    },
  };
  const logger = opts.destination ? pino(options, opts.destination) : pino(options);
  // pino does not run formatters on child bindings; children inherit this method (prototype chain),
  // so grandchildren are covered too.
  const origChild = logger.child as unknown as (this: unknown, b: pino.Bindings, o?: pino.ChildLoggerOptions) => Logger;
  logger.child = function sanitizedChild(this: unknown, bindings: pino.Bindings, childOpts?: pino.ChildLoggerOptions) {
    return origChild.call(this, sanitizer.value(bindings) as pino.Bindings, childOpts);
  } as unknown as typeof logger.child;
  return logger;
}
