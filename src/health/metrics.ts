/**
 * Prometheus metrics on a Registry of our own (never prom-client's global one, so two instances in
 * one process, as in tests, do not collide). The bridge calls the record* methods; the runner's hooks
 * are plain functions the CLI wires to it. Label values are bounded sets (target names come from
 * configuration, routes and error types from our code), so cardinality cannot be driven by clients.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Also export process metrics (CPU, memory, event loop lag, ...). */
  defaultMetrics?: boolean;
  /** Prefix of every metric name; default `a6_`. */
  prefix?: string;
}

export type BridgeRoute = 'chat_completions' | 'models' | 'healthz' | 'readyz' | 'metrics' | 'not_found';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const CONVERSION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'target' | 'route' | 'status'>;
  private readonly errors: Counter<'type'>;
  private readonly warnings: Counter<'code'>;
  private readonly upstream: Counter<'target' | 'status'>;
  private readonly conversion: Histogram<'direction'>;
  private readonly firstChunk: Histogram<'target'>;
  private readonly duration: Histogram<'target' | 'route'>;
  private readonly activeStreams: Gauge<'target'>;
  private readonly tokens: Counter<'target' | 'kind'>;
  private readonly runnerConnections: Gauge;
  private readonly runnerCalls: Counter<'rpc' | 'result'>;

  constructor(opts: MetricsOptions = {}) {
    const p = opts.prefix ?? 'a6_';
    const registers = [this.registry];
    this.requests = new Counter({ name: `${p}bridge_requests_total`, help: 'HTTP requests answered by the bridge.', labelNames: ['target', 'route', 'status'], registers });
    this.errors = new Counter({ name: `${p}bridge_errors_total`, help: 'Errors by type (our error code or the upstream error type).', labelNames: ['type'], registers });
    this.warnings = new Counter({ name: `${p}bridge_conversion_warnings_total`, help: 'Request fields dropped, clamped or downgraded by the conversion.', labelNames: ['code'], registers });
    this.upstream = new Counter({ name: `${p}bridge_upstream_responses_total`, help: 'Upstream responses by HTTP status.', labelNames: ['target', 'status'], registers });
    this.conversion = new Histogram({ name: `${p}bridge_conversion_seconds`, help: 'Time spent in conversion (request, response, or per stream chunk).', labelNames: ['direction'], buckets: CONVERSION_BUCKETS, registers });
    this.firstChunk = new Histogram({ name: `${p}bridge_time_to_first_chunk_seconds`, help: 'From the client request to the first streamed chunk written.', labelNames: ['target'], buckets: LATENCY_BUCKETS, registers });
    this.duration = new Histogram({ name: `${p}bridge_request_duration_seconds`, help: 'From the client request to the end of the response.', labelNames: ['target', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.activeStreams = new Gauge({ name: `${p}bridge_active_streams`, help: 'Streams currently being relayed.', labelNames: ['target'], registers });
    this.tokens = new Counter({ name: `${p}bridge_tokens_total`, help: 'Tokens reported by the upstream (kind: prompt or completion).', labelNames: ['target', 'kind'], registers });
    this.runnerConnections = new Gauge({ name: `${p}runner_connections`, help: 'Open APISIX connections to the ext-plugin runner.', registers });
    this.runnerCalls = new Counter({ name: `${p}runner_calls_total`, help: 'ext-plugin RPC calls handled by the runner.', labelNames: ['rpc', 'result'], registers });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  recordRequest(target: string, route: BridgeRoute, status: number, seconds?: number): void {
    this.requests.inc({ target, route, status: String(status) });
    if (seconds !== undefined) this.duration.observe({ target, route }, seconds);
  }

  recordError(type: string): void {
    this.errors.inc({ type });
  }

  recordWarning(code: string): void {
    this.warnings.inc({ code });
  }

  recordUpstreamStatus(target: string, status: number): void {
    this.upstream.inc({ target, status: String(status) });
  }

  recordConversion(direction: 'request' | 'response' | 'stream', seconds: number): void {
    this.conversion.observe({ direction }, seconds);
  }

  recordFirstChunk(target: string, seconds: number): void {
    this.firstChunk.observe({ target }, seconds);
  }

  streamStarted(target: string): void {
    this.activeStreams.inc({ target });
  }

  streamEnded(target: string): void {
    this.activeStreams.dec({ target });
  }

  recordTokens(target: string, prompt: number, completion: number): void {
    if (prompt > 0) this.tokens.inc({ target, kind: 'prompt' }, prompt);
    if (completion > 0) this.tokens.inc({ target, kind: 'completion' }, completion);
  }

  /** Runner hooks, for the CLI to wire to the runner's connection and call events. */
  runnerConnectionOpened(): void {
    this.runnerConnections.inc();
  }

  runnerConnectionClosed(): void {
    this.runnerConnections.dec();
  }

  recordRunnerCall(rpc: string, result: 'ok' | 'error'): void {
    this.runnerCalls.inc({ rpc, result });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
