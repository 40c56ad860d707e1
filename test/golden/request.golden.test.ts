/**
 * Request goldens: test/golden/request/<behaviour>/input.json (OpenAI) -> expected.json (Anthropic body),
 * state.json (what the response side receives), warnings.json (dropped/clamped fields), or error.json
 * for refusals. options.json holds route options. Inputs are deep-frozen: converters must not mutate.
 */
import { join } from 'node:path';
import { convertChatRequest, ConversionError, resolveOptions, type BridgeOptions } from '../../src/core';
import { caseDirs, deepFreeze, readJson, UPDATE, writeJson } from '../helpers/golden';
import { acceptedByStrictMock } from '../helpers/strict-mock-check';

const ROOT = join(__dirname, 'request');

describe.each(caseDirs(ROOT))('request golden %s', (name) => {
  const dir = join(ROOT, name);
  it('converts as recorded', () => {
    const input = deepFreeze(readJson(dir, 'input.json'));
    const options = resolveOptions(readJson<BridgeOptions>(dir, 'options.json') ?? {});
    let result: ReturnType<typeof convertChatRequest> | undefined;
    let error: ConversionError | undefined;
    try {
      result = convertChatRequest(input, options);
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      error = e;
    }
    if (UPDATE) {
      if (error) writeJson(dir, 'error.json', { code: error.code, status: error.status, param: error.param, message: error.message });
      else {
        writeJson(dir, 'expected.json', result!.body);
        writeJson(dir, 'state.json', result!.state);
        if (result!.warnings.length > 0) writeJson(dir, 'warnings.json', result!.warnings.map((w) => ({ code: w.code, field: w.field })));
      }
      return;
    }
    const expectedError = readJson<{ code: string; status: number; param: string | null; message: string }>(dir, 'error.json');
    if (expectedError) {
      expect(error).toBeDefined();
      expect({ code: error!.code, status: error!.status, param: error!.param, message: error!.message }).toEqual(expectedError);
      expect(error!.toOpenAI().error).toMatchObject({ type: 'invalid_request_error', code: expectedError.code });
      return;
    }
    expect(error).toBeUndefined();
    expect(result!.body).toEqual(readJson(dir, 'expected.json'));
    expect(result!.state).toEqual(readJson(dir, 'state.json'));
    expect(result!.warnings.map((w) => ({ code: w.code, field: w.field }))).toEqual(readJson(dir, 'warnings.json') ?? []);
    expect(acceptedByStrictMock(result!.body)).toBeNull();
  });
});
