/** Per-request conversion context: options, the model's capabilities, and the warnings collected. */
import { ConversionError } from './errors';
import { capabilitiesFor, type ModelCapabilities, type ResolvedOptions } from './options';

export interface ConversionWarning {
  /** dropped | clamped | downgraded | rewritten */
  code: string;
  /** The OpenAI field concerned, as a path (e.g. `messages[2].content[0].detail`). */
  field: string;
  message: string;
}

export class RequestContext {
  readonly warnings: ConversionWarning[] = [];
  readonly caps: ModelCapabilities;

  constructor(readonly options: ResolvedOptions, readonly upstreamModel: string) {
    this.caps = capabilitiesFor(upstreamModel, options);
  }

  get strict(): boolean {
    return this.options.unsupported === 'reject';
  }

  warn(code: string, field: string, message: string): void {
    this.warnings.push({ code, field, message });
  }

  /** A field we cannot honour: refused in strict mode, otherwise dropped and reported. */
  unsupported(field: string, message: string): void {
    if (this.strict) throw new ConversionError('ERR_REQUEST_UNSUPPORTED_FIELD', `${field}: ${message} (refused because unsupported fields are set to "reject").`, { param: field });
    this.warn('dropped', field, message);
  }
}

export function invalid(param: string, message: string): ConversionError {
  return new ConversionError('ERR_REQUEST_INVALID', `${param}: ${message}`, { param });
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
