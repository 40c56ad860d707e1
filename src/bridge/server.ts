/**
 * The T3 streaming bridge: a node:http server in front of the configured Anthropic targets.
 * Everything comes in as a parameter (targets, address, logger, metrics, readiness, clock, ids,
 * dispatchers); nothing here reads process.env. One log line per request: id, target, route,
 * status, duration; never a header value.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { listModels, type CoreEnv } from '../core';
import { systemEnv } from '../config/system-env';
import type { BridgeTarget, TargetsConfig } from '../config/targets';
import type { Metrics } from '../health/metrics';
import { CLIENT_GONE, SHUTDOWN } from './abort';
import { handleChat, type ChatResult } from './chat';
import { bridgeError, sendError, sendJson } from './respond';
import { matchRoute, metricsRoute, type Route } from './routes';
import { UpstreamPools, type DispatcherFactory } from './upstream';

export interface StartBridgeOptions {
  targets: TargetsConfig;
  logger: Logger;
  /** Default 127.0.0.1: the bridge is meant to be reached by APISIX on the same host or pod. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  metrics?: Metrics;
  /** /readyz answers 200 while this returns true (e.g. runner and bridge both up). */
  ready?: () => boolean;
  /** Overrides targets.maxBodyBytes. */
  maxBodyBytes?: number;
  /** Clock and ids for the converted answers (ids of completions and tool calls, `created`). */
  env?: CoreEnv;
  /** Monotonic milliseconds for durations; performance.now by default. */
  clock?: () => number;
  /** Per-target undici dispatcher; one Pool per target by default. */
  dispatcherFor?: DispatcherFactory;
}

export interface Bridge {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting; requests in flight are aborted with their upstream calls, streams end with an
   * ERR_BRIDGE_SHUTTING_DOWN error object; then connections and pools are closed.
   */
  close(): Promise<void>;
}


/** A bug, not a client or upstream problem: a 500 if nothing was sent yet, else cut the stream. */
function failInternally(res: ServerResponse): void {
  if (!res.headersSent) sendError(res, bridgeError('ERR_BRIDGE_INTERNAL', 'The bridge failed to answer this request.', 500, 'api_error'));
  else if (!res.writableEnded) res.destroy();
}

function pickTarget(targets: TargetsConfig, name: string | undefined): BridgeTarget | undefined {
  const key = name ?? targets.defaultTarget;
  return key === undefined ? undefined : targets.targets.get(key);
}

export async function startBridge(opts: StartBridgeOptions): Promise<Bridge> {
  const env = opts.env ?? systemEnv();
  const clock = opts.clock ?? (() => performance.now());
  const pools = new UpstreamPools(opts.dispatcherFor);
  const inFlight = new Map<AbortController, Promise<void>>();
  const log = opts.logger;
  const deps = { pools, env, clock, metrics: opts.metrics, maxBodyBytes: opts.maxBodyBytes ?? opts.targets.maxBodyBytes };

  async function answer(req: IncomingMessage, res: ServerResponse, route: Route, reqLog: Logger, signal: AbortSignal, startedAt: number): Promise<{ target: string; result: ChatResult }> {
    switch (route.kind) {
      case 'chat':
      case 'models': {
        const target = pickTarget(opts.targets, route.target);
        if (!target) {
          const err = route.target === undefined
            ? bridgeError('ERR_BRIDGE_TARGET_UNKNOWN', 'No default target is configured; use /t/<target>/v1/... with a configured target.', 404, 'not_found_error')
            : bridgeError('ERR_BRIDGE_TARGET_UNKNOWN', `Unknown target "${route.target}".`, 404, 'not_found_error');
          sendError(res, err);
          return { target: '-', result: { status: 404, stream: false, errorType: err.code } };
        }
        if (route.kind === 'models') {
          sendJson(res, 200, listModels(target.options, env));
          return { target: target.name, result: { status: 200, stream: false } };
        }
        return { target: target.name, result: await handleChat(req, res, target, deps, reqLog.child({ target: target.name }), signal, startedAt) };
      }
      case 'healthz':
        sendJson(res, 200, { status: 'ok' });
        return { target: '-', result: { status: 200, stream: false } };
      case 'readyz': {
        const ready = opts.ready ? opts.ready() : true;
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
        return { target: '-', result: { status: ready ? 200 : 503, stream: false } };
      }
      case 'metrics': {
        if (!opts.metrics) {
          sendError(res, bridgeError('ERR_BRIDGE_ROUTE_NOT_FOUND', 'Metrics are not enabled.', 404, 'not_found_error'));
          return { target: '-', result: { status: 404, stream: false } };
        }
        const text = await opts.metrics.render();
        res.writeHead(200, { 'content-type': opts.metrics.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return { target: '-', result: { status: 200, stream: false } };
      }
      case 'method_not_allowed': {
        const err = bridgeError('ERR_BRIDGE_ROUTE_NOT_FOUND', `Method ${req.method} is not allowed here; use ${route.allow}.`, 405);
        sendError(res, err, { allow: route.allow });
        return { target: '-', result: { status: 405, stream: false, errorType: err.code } };
      }
      default: {
        const err = bridgeError('ERR_BRIDGE_ROUTE_NOT_FOUND', `No endpoint at ${req.method} ${(req.url ?? '').split('?')[0].slice(0, 200)}.`, 404, 'not_found_error');
        sendError(res, err);
        return { target: '-', result: { status: 404, stream: false, errorType: err.code } };
      }
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse, controller: AbortController): Promise<void> {
    const startedAt = clock();
    const requestId = env.newId('breq_');
    const route = matchRoute(req.method ?? 'GET', req.url ?? '/');
    const reqLog = log.child({ request_id: requestId });
    // The response closing before it was fully written means the client went away: stop the upstream.
    res.on('close', () => {
      if (!res.writableFinished && !controller.signal.aborted) controller.abort(CLIENT_GONE);
    });
    let target = '-';
    let result: ChatResult;
    try {
      ({ target, result } = await answer(req, res, route, reqLog, controller.signal, startedAt));
    } catch (e) {
      reqLog.error({ err: e }, 'bridge request failed');
      failInternally(res);
      result = { status: 500, stream: false, errorType: 'ERR_BRIDGE_INTERNAL' };
    }
    const seconds = (clock() - startedAt) / 1000;
    const routeName = metricsRoute(route);
    opts.metrics?.recordRequest(target, routeName, result.status, seconds);
    if (result.errorType) opts.metrics?.recordError(result.errorType);
    if (route.kind === 'healthz' || route.kind === 'readyz' || route.kind === 'metrics') return;
    reqLog.info({
      target, route: routeName, status: result.status, duration_ms: Math.round(seconds * 1000), stream: result.stream,
      upstream_status: result.upstreamStatus, upstream_request_id: result.upstreamRequestId, outcome: result.outcome, error: result.errorType,
    }, 'bridge request');
  }

  const server = createServer((req, res) => {
    const controller = new AbortController();
    const done = onRequest(req, res, controller).catch((e: unknown) => {
      // Only a bug gets here (answer() catches its own failures); the process must not go down with it.
      log.error({ err: e }, 'bridge request handler failed');
      failInternally(res);
    }).finally(() => inFlight.delete(controller));
    inFlight.set(controller, done);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Every wait in a handler also ends on abort, so this settles as soon as the handlers have
      // written their last frame.
      for (const c of inFlight.keys()) c.abort(SHUTDOWN);
      await Promise.all(inFlight.values());
      server.closeAllConnections();
      await closed;
      await pools.close();
    })();
    return closing;
  };
  return { url, port: address.port, server, close };
}
