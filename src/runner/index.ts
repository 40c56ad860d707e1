export {
  startRunner, DEFAULT_SOCKET_MODE, DEFAULT_CONF_EXPIRE_SECONDS, DEFAULT_CALL_DEADLINE_MS, DEFAULT_SHUTDOWN_GRACE_MS,
  type Runner, type RunnerOptions, type RunnerStatus,
} from './server';
export type { CallEvent } from './connection';
export { RunnerStartError, RUNNER_START_ERROR_CODES, type RunnerStartErrorCode } from './socket-file';
export { ConfCache, CONF_TTL_FACTOR } from './conf-cache';
