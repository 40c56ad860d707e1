import * as grpc from '@grpc/grpc-js';
import { loadHealthDefinition, startGrpcHealth, type GrpcHealth } from '../../../src/health/grpc';

type Client = grpc.Client & {
  Check(req: { service: string }, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  Watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};

let health: GrpcHealth;
let client: Client;

beforeEach(async () => {
  health = await startGrpcHealth({ host: '127.0.0.1', port: 0 });
  const Ctor = grpc.makeGenericClientConstructor(loadHealthDefinition(), 'Health');
  client = new Ctor(`127.0.0.1:${health.port}`, grpc.credentials.createInsecure()) as unknown as Client;
});

afterEach(async () => {
  client.close();
  await health.close();
});

function check(service: string): Promise<{ status?: string; code?: number }> {
  return new Promise((resolve) => {
    client.Check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res!.status }));
  });
}

/** Collects Watch messages until `count` have arrived. */
function watch(service: string, count: number): { stream: grpc.ClientReadableStream<{ status: string }>; got: Promise<string[]>; seen: string[] } {
  const stream = client.Watch({ service });
  const seen: string[] = [];
  const got = new Promise<string[]>((resolve, reject) => {
    stream.on('data', (m: { status: string }) => {
      seen.push(m.status);
      if (seen.length === count) resolve([...seen]);
    });
    stream.on('error', (e: grpc.ServiceError) => {
      if (e.code !== grpc.status.CANCELLED) reject(e);
    });
  });
  return { stream, got, seen };
}

test('Check answers per service and NOT_FOUND for an unknown one', async () => {
  expect(await check('')).toEqual({ status: 'NOT_SERVING' });
  health.setStatus('runner', 'SERVING');
  expect(await check('runner')).toEqual({ status: 'SERVING' });
  expect(await check('bridge')).toEqual({ status: 'NOT_SERVING' });
  expect(await check('nope')).toEqual({ code: grpc.status.NOT_FOUND });
});

test('Watch sends the current status, then every change, and nothing for a repeated status', async () => {
  const w = watch('bridge', 3);
  // The first message proves the watch is registered before we change anything.
  await new Promise<void>((resolve) => w.stream.once('data', () => resolve()));
  health.setStatus('bridge', 'SERVING');
  health.setStatus('bridge', 'SERVING');
  health.setStatus('runner', 'SERVING');
  health.setStatus('bridge', 'NOT_SERVING');
  expect(await w.got).toEqual(['NOT_SERVING', 'SERVING', 'NOT_SERVING']);
  w.stream.cancel();
});

test('Watch of an unknown service answers SERVICE_UNKNOWN and follows it once it is registered', async () => {
  const w = watch('later', 2);
  await new Promise<void>((resolve) => w.stream.once('data', () => resolve()));
  health.setStatus('later', 'SERVING');
  expect(await w.got).toEqual(['SERVICE_UNKNOWN', 'SERVING']);
  w.stream.cancel();
});

test('close tells watchers NOT_SERVING and ends their streams', async () => {
  health.setStatus('', 'SERVING');
  const w = watch('', 2);
  await new Promise<void>((resolve) => w.stream.once('data', () => resolve()));
  const ended = new Promise<void>((resolve) => {
    w.stream.on('end', () => resolve());
    w.stream.on('error', () => resolve());
  });
  await health.close();
  await ended;
  expect(w.seen).toEqual(['SERVING', 'NOT_SERVING']);
});
