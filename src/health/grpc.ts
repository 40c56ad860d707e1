/**
 * The standard gRPC health service (grpc.health.v1.Health) on its own port, so Kubernetes `grpc:`
 * probes and grpc_health_probe can ask about the whole process ('') or one part ('runner', 'bridge').
 * Check answers NOT_FOUND for a service it does not know; Watch answers SERVICE_UNKNOWN instead and
 * keeps the stream open, because the service may be registered later (both as the standard says).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export const HEALTH_SERVICES = ['', 'runner', 'bridge'] as const;

export interface GrpcHealthOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Initial statuses; services not listed are unknown until setStatus names them. */
  initial?: Record<string, ServingStatus>;
  /** Path of health.proto; found next to the package when absent. */
  protoPath?: string;
}

export interface GrpcHealth {
  readonly port: number;
  setStatus(service: string, status: ServingStatus): void;
  getStatus(service: string): ServingStatus | undefined;
  /** Marks every service NOT_SERVING (watchers see it), ends the watch streams and stops the server. */
  close(): Promise<void>;
}

interface HealthRequest { service?: string }
interface HealthResponse { status: ServingStatus }

/** proto/health.proto sits at the package root: two levels above src/health, three above dist/src/health. */
export function findHealthProto(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'proto', 'health.proto');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`proto/health.proto not found above ${from}`);
}

export function loadHealthDefinition(protoPath: string = findHealthProto()): grpc.ServiceDefinition {
  const packageDefinition = protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true, longs: String });
  const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return loaded.grpc.health.v1.Health.service;
}

export async function startGrpcHealth(opts: GrpcHealthOptions = {}): Promise<GrpcHealth> {
  const statuses = new Map<string, ServingStatus>(Object.entries(opts.initial ?? { '': 'NOT_SERVING', runner: 'NOT_SERVING', bridge: 'NOT_SERVING' }));
  const watchers = new Map<string, Set<grpc.ServerWritableStream<HealthRequest, HealthResponse>>>();
  const server = new grpc.Server();

  server.addService(loadHealthDefinition(opts.protoPath), {
    Check(call: grpc.ServerUnaryCall<HealthRequest, HealthResponse>, callback: grpc.sendUnaryData<HealthResponse>) {
      const service = call.request.service ?? '';
      const status = statuses.get(service);
      if (status === undefined) callback({ code: grpc.status.NOT_FOUND, details: `unknown service "${service}"` });
      else callback(null, { status });
    },
    Watch(call: grpc.ServerWritableStream<HealthRequest, HealthResponse>) {
      const service = call.request.service ?? '';
      let set = watchers.get(service);
      if (!set) watchers.set(service, (set = new Set()));
      const watching = set;
      watching.add(call);
      const forget = () => watching.delete(call);
      call.on('cancelled', forget);
      call.on('close', forget);
      call.on('error', forget);
      call.write({ status: statuses.get(service) ?? 'SERVICE_UNKNOWN' });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve(bound);
    });
  });

  function setStatus(service: string, status: ServingStatus): void {
    const before = statuses.get(service);
    statuses.set(service, status);
    if (before === status) return;
    for (const call of watchers.get(service) ?? []) call.write({ status });
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const service of statuses.keys()) setStatus(service, 'NOT_SERVING');
      for (const set of watchers.values()) for (const call of set) call.end();
      watchers.clear();
      server.tryShutdown(() => resolve());
    });
    return closing;
  }

  return { port, setStatus, getStatus: (service) => statuses.get(service), close };
}
