/**
 * Every converted request must be one the strict mock (which enforces the real API's rules) accepts.
 * The validator is the mock's own, so the goldens and the mock cannot disagree silently.
 */
import { validateAnthropicRequest } from '../../src/mock/validate';

export function acceptedByStrictMock(body: unknown): unknown {
  const error = validateAnthropicRequest(body, { 'anthropic-version': '2023-06-01', 'x-api-key': 'test-key' });
  return error ? error.body : null;
}
