/**
 * JSON Schema (draft-07, plain data) of the bridge's targets file. The `options` of a target is the
 * core's optionsSchema, the same one an ext-plugin route value is checked against.
 */
import { optionsSchema } from '../core';

/** The core schema carries an $id; embedding it under another schema must not register that id twice. */
const { $id: _optionsId, ...targetOptionsSchema } = optionsSchema;

export const TARGET_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const HEADER_NAME_PATTERN = '^[a-z0-9-]{1,128}$';

export const targetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['base_url'],
  properties: {
    base_url: { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', maxLength: 2048 },
    path: { type: 'string', pattern: '^/[^?#\\s]*$', maxLength: 1024 },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        style: { enum: ['x-api-key', 'bearer', 'passthrough'] },
        header: { enum: ['authorization', 'x-api-key', 'api-key'] },
        api_key_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' },
      },
    },
    forward_headers: { type: 'array', items: { type: 'string', pattern: HEADER_NAME_PATTERN }, maxItems: 64 },
    options: targetOptionsSchema,
    timeouts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        connect_ms: { type: 'integer', minimum: 1, maximum: 600000 },
        headers_ms: { type: 'integer', minimum: 1, maximum: 3600000 },
        body_ms: { type: 'integer', minimum: 1, maximum: 3600000 },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        servername: { type: 'string', minLength: 1, maxLength: 253 },
        ca_file: { type: 'string', minLength: 1 },
        reject_unauthorized: { type: 'boolean' },
      },
    },
    max_connections: { type: 'integer', minimum: 1, maximum: 65536 },
    fetch_image_urls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_bytes: { type: 'integer', minimum: 1024, maximum: 33554432 },
        timeout_ms: { type: 'integer', minimum: 100, maximum: 120000 },
        allow_private: { type: 'boolean' },
      },
    },
  },
} as const;

export const targetsFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default_target: { type: 'string', pattern: TARGET_NAME_PATTERN },
    max_body_bytes: { type: 'integer', minimum: 1024, maximum: 1073741824 },
    targets: {
      type: 'object',
      propertyNames: { pattern: TARGET_NAME_PATTERN },
      additionalProperties: targetSchema,
    },
  },
} as const;
