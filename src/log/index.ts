export { createLogger, type LoggerOptions, type Logger } from './logger';
export { callLogger, type CallFields } from './fields';
export { Sanitizer, REDACTED, SECRET_HEADER_NAMES, type SanitizeOptions } from './sanitize';
