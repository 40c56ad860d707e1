/**
 * The bridge's whole HTTP surface. A path can only name a configured target: the host the bridge
 * connects to never comes from a request.
 */
import type { BridgeRoute } from '../health/metrics';

export type Route =
  | { kind: 'chat'; target?: string }
  | { kind: 'models'; target?: string }
  | { kind: 'healthz' | 'readyz' | 'metrics' }
  | { kind: 'method_not_allowed'; allow: string }
  | { kind: 'not_found' };

const TARGET_PATH = /^\/t\/([A-Za-z0-9_-]{1,64})(\/v1\/(?:chat\/completions|models))$/;

export function matchRoute(method: string, url: string): Route {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let rest = path;
  let target: string | undefined;
  const m = TARGET_PATH.exec(path);
  if (m) {
    target = m[1];
    rest = m[2];
  }
  switch (rest) {
    case '/v1/chat/completions':
      return method === 'POST' ? { kind: 'chat', target } : { kind: 'method_not_allowed', allow: 'POST' };
    case '/v1/models':
      return method === 'GET' || method === 'HEAD' ? { kind: 'models', target } : { kind: 'method_not_allowed', allow: 'GET, HEAD' };
    case '/healthz':
    case '/readyz':
    case '/metrics':
      if (target !== undefined) return { kind: 'not_found' };
      return method === 'GET' || method === 'HEAD' ? { kind: rest.slice(1) as 'healthz' | 'readyz' | 'metrics' } : { kind: 'method_not_allowed', allow: 'GET, HEAD' };
    default:
      return { kind: 'not_found' };
  }
}

export function metricsRoute(route: Route): BridgeRoute {
  switch (route.kind) {
    case 'chat':
      return 'chat_completions';
    case 'models':
      return 'models';
    case 'healthz':
    case 'readyz':
    case 'metrics':
      return route.kind;
    default:
      return 'not_found';
  }
}
