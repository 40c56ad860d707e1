/**
 * The runner's single window onto filters/. ESLint keeps protocol/ and runner/ away from filters/ (so
 * that no OpenAI/Anthropic knowledge leaks in); filters/types.ts and the registry are the exception by
 * design: they are the runner<->filter contract (docs/contracts.md) and contain no conversion logic.
 */
// eslint-disable-next-line no-restricted-imports -- the runner<->filter contract, see above
export type { Filter, FilterRequest, FilterResponse, FilterContext, RequestAction, ResponseAction, Entry, EditEntry } from '../filters/types';
// eslint-disable-next-line no-restricted-imports -- the runner<->filter contract, see above
export type { FilterRegistry } from '../filters/registry';
