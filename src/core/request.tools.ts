/**
 * Tools: definitions, tool_choice, and the name map. Anthropic names must match ^[a-zA-Z0-9_-]{1,128}$;
 * OpenAI allows more (dots, slashes). Names are rewritten deterministically and the reverse map
 * travels in the response state so that clients see their own names again.
 */
import { ConversionError } from './errors';
import { isObject, type RequestContext } from './request.context';
import { sha256Hex } from './hash';

const VALID = /^[a-zA-Z0-9_-]{1,128}$/;

export class ToolNames {
  private readonly toUpstream = new Map<string, string>();
  private readonly used = new Set<string>();
  /** sanitised -> original, only for names that changed. */
  readonly reverse: Record<string, string> = Object.create(null);

  upstream(original: string): string {
    const known = this.toUpstream.get(original);
    if (known !== undefined) return known;
    let name = VALID.test(original) ? original : original.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 128) || 'tool';
    if (this.used.has(name)) {
      // A collision after sanitising: a short hash of the original keeps both tools distinct.
      name = `${name.slice(0, 119)}_${sha256Hex(original).slice(0, 8)}`;
    }
    this.toUpstream.set(original, name);
    this.used.add(name);
    if (name !== original) this.reverse[name] = original;
    return name;
  }

  has(original: string): boolean {
    return this.toUpstream.has(original);
  }
}

export interface ConvertedTools {
  tools?: Record<string, unknown>[];
  toolChoice?: Record<string, unknown>;
}

function inputSchema(params: unknown, where: string): Record<string, unknown> {
  if (params === undefined || params === null) return { type: 'object', properties: {} };
  if (!isObject(params)) throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', `${where}.parameters must be a JSON Schema object.`, { param: `${where}.parameters` });
  if (params.type === undefined) return { type: 'object', ...params };
  if (params.type !== 'object') throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', `${where}.parameters.type must be "object" (Anthropic tool inputs are objects).`, { param: `${where}.parameters` });
  return params;
}

function convertFunctionDef(fn: unknown, where: string, names: ToolNames, ctx: RequestContext): Record<string, unknown> {
  if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') {
    throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', `${where} must have a non-empty function name.`, { param: where });
  }
  if (names.has(fn.name)) throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', `${where}: the tool name "${fn.name}" is defined twice.`, { param: where });
  const tool: Record<string, unknown> = { name: names.upstream(fn.name) };
  if (typeof fn.description === 'string' && fn.description !== '') tool.description = fn.description;
  tool.input_schema = inputSchema(fn.parameters, where);
  if (fn.strict === true) {
    if (ctx.caps.structured_outputs) tool.strict = true;
    else ctx.warn('dropped', `${where}.strict`, 'strict tool schemas are not supported by this model; the schema is still sent');
  }
  return tool;
}

/** tools (or legacy functions) -> Anthropic tool definitions. */
export function convertToolDefinitions(body: Record<string, unknown>, names: ToolNames, ctx: RequestContext): Record<string, unknown>[] | undefined {
  const out: Record<string, unknown>[] = [];
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', 'tools must be an array.', { param: 'tools' });
    body.tools.forEach((t, i) => {
      const where = `tools[${i}]`;
      if (!isObject(t) || (t.type !== undefined && t.type !== 'function')) {
        throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', `${where}: only tools of type "function" can be sent to an Anthropic model.`, { param: where });
      }
      out.push(convertFunctionDef(t.function, `${where}.function`, names, ctx));
    });
  }
  if (body.functions !== undefined && body.functions !== null) {
    if (!Array.isArray(body.functions)) throw new ConversionError('ERR_TOOL_DEFINITION_INVALID', 'functions must be an array.', { param: 'functions' });
    body.functions.forEach((f, i) => out.push(convertFunctionDef(f, `functions[${i}]`, names, ctx)));
  }
  return out.length > 0 ? out : undefined;
}

function namedChoice(name: unknown, param: string, names: ToolNames): Record<string, unknown> {
  if (typeof name !== 'string' || !names.has(name)) {
    throw new ConversionError('ERR_TOOL_CHOICE_INVALID', `${param} names a tool that is not defined in tools: ${JSON.stringify(name)}.`, { param });
  }
  return { type: 'tool', name: names.upstream(name) };
}

/** tool_choice / function_call / parallel_tool_calls -> Anthropic tool_choice (tools must be defined). */
export function convertToolChoice(body: Record<string, unknown>, names: ToolNames, ctx: RequestContext): Record<string, unknown> | undefined {
  let choice: Record<string, unknown> | undefined;
  const tc = body.tool_choice ?? body.function_call;
  const param = body.tool_choice !== undefined && body.tool_choice !== null ? 'tool_choice' : 'function_call';
  if (tc === 'auto') choice = { type: 'auto' };
  else if (tc === 'none') choice = { type: 'none' };
  else if (tc === 'required') choice = { type: 'any' };
  else if (isObject(tc)) {
    if (tc.type === 'function' && isObject(tc.function)) choice = namedChoice(tc.function.name, `${param}.function.name`, names);
    else if (param === 'function_call' && typeof tc.name === 'string') choice = namedChoice(tc.name, 'function_call.name', names);
    else if (tc.type === 'allowed_tools') {
      ctx.unsupported(param, 'allowed_tools has no Anthropic equivalent; tool choice left to the model');
      choice = { type: 'auto' };
    } else throw new ConversionError('ERR_TOOL_CHOICE_INVALID', `${param} has an unknown form.`, { param });
  } else if (tc !== undefined && tc !== null) {
    throw new ConversionError('ERR_TOOL_CHOICE_INVALID', `${param} must be "auto", "none", "required" or a named function.`, { param });
  }
  if (body.parallel_tool_calls === false) {
    if (!choice) choice = { type: 'auto' };
    if (choice.type !== 'none') choice.disable_parallel_tool_use = true;
  }
  return choice;
}
