/**
 * Why a request's work was cut short. One AbortSignal per request stops the upstream call; its reason
 * says whether the client left (nothing more to write) or the bridge is stopping (tell the client).
 */
import type { ConversionError } from '../core';
import { bridgeError } from './respond';

export const CLIENT_GONE = 'client_gone';
export const SHUTDOWN = 'shutdown';

export function clientGone(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === CLIENT_GONE;
}

export function shuttingDown(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === SHUTDOWN;
}

export function shutdownError(): ConversionError {
  return bridgeError('ERR_BRIDGE_SHUTTING_DOWN', 'The bridge is shutting down; retry the request.', 503, 'api_error');
}
