import type { CoreEnv } from './env';
import type { ResolvedOptions } from './options';

export interface ModelList {
  object: 'list';
  data: Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
}

/** GET /v1/models in OpenAI's shape: the names clients may send (aliases, then the default model). */
export function listModels(options: ResolvedOptions, env: CoreEnv): ModelList {
  const created = Math.floor(env.now() / 1000);
  const ids = new Set(Object.keys(options.model_aliases));
  if (options.default_model) ids.add(options.default_model);
  return { object: 'list', data: [...ids].map((id) => ({ id, object: 'model', created, owned_by: 'anthropic' })) };
}
