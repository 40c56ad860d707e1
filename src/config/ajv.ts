/**
 * One place where JSON Schemas are compiled. Settings are deliberate: `strict` makes a schema typo an
 * error at startup instead of a silently ignored keyword; `allErrors: false` stops at the first error
 * (cheaper, and one clear message is what an operator needs); `useDefaults: false` because defaults
 * belong to the code that resolves options, not to validation (validation never mutates the value).
 * Compiled validators are cached per schema object, so a conf prepared a thousand times compiles once.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

export class SchemaCompiler {
  private readonly ajv = new Ajv({ allErrors: false, strict: true, useDefaults: false, coerceTypes: false });
  private readonly cache = new WeakMap<object, ValidateFunction>();

  /** Compiles (once per schema object) and returns the validator. Throws if the schema itself is invalid. */
  compile(schema: object): ValidateFunction {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.cache.set(schema, validate);
    }
    return validate;
  }

  /** `null` when `value` is valid, else a one-line description of the first error. */
  check(schema: object, value: unknown): string | null {
    const validate = this.compile(schema);
    return validate(value) ? null : formatSchemaErrors(validate.errors);
  }
}

/** e.g. `/max_tokens must be integer`, `(root) must NOT have additional property "foo"`. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'invalid value';
  return errors
    .map((e) => {
      const where = e.instancePath === '' ? '(root)' : e.instancePath;
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return extra !== undefined ? `${where} ${e.message} "${extra}"` : `${where} ${e.message}`;
    })
    .join('; ');
}
