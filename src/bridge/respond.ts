/**
 * Writing answers: JSON bodies with an exact content-length, OpenAI-shaped errors, and the error
 * object a stream ends with. Every error body the bridge produces goes through here.
 */
import type { ServerResponse } from 'node:http';
import { ConversionError, type ErrorCode, type OpenAIErrorBody } from '../core';
import type { OpenAIErrorType } from '../core/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ConversionError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, err.toOpenAI(), headers);
}

export function bridgeError(code: ErrorCode, message: string, status: number, type: OpenAIErrorType = 'invalid_request_error', param: string | null = null): ConversionError {
  return new ConversionError(code, message, { status, type, param });
}

/** The last frame of a stream that failed: an error object on a data line, no [DONE] after it. */
export function errorFrame(body: OpenAIErrorBody): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}
