/** Anthropic's error envelope, as the real API sends it. */
export interface MockError {
  status: number;
  body: { type: 'error'; error: { type: string; message: string }; request_id: string };
}

let counter = 0;

export function requestId(): string {
  counter = (counter + 1) % 1_000_000;
  return `req_mock${String(counter).padStart(6, '0')}`;
}

export function mockError(status: number, type: string, message: string): MockError {
  return { status, body: { type: 'error', error: { type, message }, request_id: requestId() } };
}

export const invalid = (message: string): MockError => mockError(400, 'invalid_request_error', message);
