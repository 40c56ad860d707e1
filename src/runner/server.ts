/**
 * startRunner: the ext-plugin runner on a Unix socket. Everything comes in as parameters (the CLI
 * reads the environment), so tests start as many runners as they like.
 *
 * Checklist: prepare the path (stale socket out, anything else refused) -> listen -> chmod -> accept
 * connections, each served independently. close(): stop accepting, let calls in flight finish within
 * a short grace, close idle connections, unlink the socket.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { SchemaCompiler } from '../config/ajv';
import { ConfCache, DEFAULT_CONF_CACHE_ENTRIES } from './conf-cache';
import { RunnerConnection, type CallEvent } from './connection';
import type { FilterRegistry } from './filter-contract';
import type { PreparedFilter } from './prepared-conf';
import { RunnerStartError, prepareSocketPath, removeSocketFile, setSocketMode } from './socket-file';

export const DEFAULT_SOCKET_MODE = 0o766;
export const DEFAULT_CONF_EXPIRE_SECONDS = 3600;
/** APISIX's read timeout is a fixed 60 s per receive; stay well inside it. */
export const DEFAULT_CALL_DEADLINE_MS = 50_000;
/** APISIX sends SIGKILL 1 s after SIGTERM. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 800;

export interface RunnerOptions {
  readonly socketPath: string;
  /** File mode of the socket; 0766 lets APISIX workers running as another user connect. */
  readonly socketMode?: number;
  /** APISIX_CONF_EXPIRE_TIME in seconds; conf tokens live at least twice as long. */
  readonly confExpireSeconds?: number;
  readonly registry: FilterRegistry;
  readonly log: Logger;
  readonly callDeadlineMs?: number;
  readonly shutdownGraceMs?: number;
  readonly confCacheMaxEntries?: number;
  /** Clock for the conf cache (ms). */
  readonly now?: () => number;
  /** Reuse a compiler (and its compiled schemas) shared with other components. */
  readonly schemas?: SchemaCompiler;
  /** Called after every call, for metrics. */
  readonly onCall?: (event: CallEvent) => void;
  /** Called when a connection opens or closes, with the new count. */
  readonly onConnections?: (count: number) => void;
}

export type RunnerStatus = 'listening' | 'closing' | 'closed';

export interface Runner {
  readonly socketPath: string;
  /** Open APISIX connections. */
  readonly connections: number;
  /** Conf tokens held. */
  readonly confTokens: number;
  /** For health checks: 'listening' while the socket accepts connections. */
  status(): RunnerStatus;
  /** Called on every status change (health services subscribe here). Returns an unsubscribe function. */
  onStatus(listener: (status: RunnerStatus) => void): () => void;
  close(): Promise<void>;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new RunnerStartError('ERR_RUNNER_LISTEN', `cannot listen on ${path}: ${e.message}`, { cause: e }));
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startRunner(opts: RunnerOptions): Promise<Runner> {
  const { socketPath, log } = opts;
  const mode = opts.socketMode ?? DEFAULT_SOCKET_MODE;
  const core = {
    registry: opts.registry,
    schemas: opts.schemas ?? new SchemaCompiler(),
    confs: new ConfCache<readonly PreparedFilter[]>({
      confExpireSeconds: opts.confExpireSeconds ?? DEFAULT_CONF_EXPIRE_SECONDS,
      maxEntries: opts.confCacheMaxEntries ?? DEFAULT_CONF_CACHE_ENTRIES,
      now: opts.now,
    }),
  };
  const callDeadlineMs = opts.callDeadlineMs ?? DEFAULT_CALL_DEADLINE_MS;
  const connections = new Set<RunnerConnection>();
  const listeners = new Set<(s: RunnerStatus) => void>();
  let status: RunnerStatus = 'listening';
  let nextId = 1;

  await prepareSocketPath(socketPath);
  const server = createServer({ allowHalfOpen: false, pauseOnConnect: false }, (socket: Socket) => {
    const conn = new RunnerConnection(socket, {
      id: nextId++,
      core,
      log,
      callDeadlineMs,
      onCall: opts.onCall,
      onClose: (c) => {
        connections.delete(c);
        opts.onConnections?.(connections.size);
      },
    });
    connections.add(conn);
    opts.onConnections?.(connections.size);
  });
  await listen(server, socketPath);
  try {
    await setSocketMode(socketPath, mode);
  } catch (e) {
    server.close();
    throw e instanceof RunnerStartError ? e : new RunnerStartError('ERR_RUNNER_LISTEN', `cannot chmod ${socketPath}: ${(e as Error).message}`, { cause: e });
  }
  server.on('error', (e) => log.error({ err: e }, 'runner socket error'));
  log.info({ socket: socketPath, mode: `0${mode.toString(8)}`, conf_ttl_s: core.confs.ttlSeconds, filters: opts.registry.names() }, 'runner listening');

  const setStatus = (s: RunnerStatus) => {
    status = s;
    for (const l of listeners) l(s);
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      setStatus('closing');
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const busy = [...connections].filter((c) => c.inCall).length;
      const drained = Promise.all([...connections].map((c) => c.drain()));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS); });
      const outcome = await Promise.race([drained.then(() => 'drained' as const), graceOver]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log.warn({ connections: connections.size }, 'shutdown grace over: closing connections with calls still running');
        for (const c of connections) c.destroy();
      }
      await serverClosed;
      await removeSocketFile(socketPath).catch((e) => log.warn({ err: e }, 'could not remove the socket file'));
      setStatus('closed');
      log.info({ calls_in_flight_at_close: busy }, 'runner stopped');
    })();
    return closing;
  };

  return {
    socketPath,
    get connections() { return connections.size; },
    get confTokens() { return core.confs.size; },
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close,
  };
}
