import type { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { z } from 'zod';

/** What @ApiProperty stores for a property (the fields the OpenAPI document is built from). */
interface PropertyMeta {
  type?: unknown;
  isArray?: boolean;
  enum?: unknown[];
  items?: { enum?: unknown[] };
  nullable?: boolean;
  required?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
  /** a property given as raw OpenAPI alternatives (a menu price: text or won) */
  oneOf?: object[];
}

const SCALARS = new Map<unknown, () => z.ZodType>([
  [String, () => z.string()],
  ['string', () => z.string()],
  [Number, () => z.number()],
  ['number', () => z.number()],
  ['integer', () => z.number().int()],
  [Boolean, () => z.boolean()],
  ['boolean', () => z.boolean()],
  // dates go out as ISO strings (MCP answers are JSON)
  [Date, () => z.string()],
]);

/**
 * The zod shape of a REST DTO class, read from the same @ApiProperty metadata its OpenAPI schema
 * is built from: an MCP tool's schemas are the REST route's, not a copy that can drift.
 */
export function shapeOf(dto: Type<unknown>): z.ZodRawShape {
  const keys: string[] =
    Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? [];
  const shape: Record<string, z.ZodType> = {};
  for (const key of keys.map((k) => k.replace(/^:/, ''))) {
    const meta: PropertyMeta =
      Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, key) ?? {};
    shape[key] = propertyOf(meta, `${dto.name}.${key}`);
  }
  return shape;
}

function propertyOf(meta: PropertyMeta, where: string): z.ZodType {
  const enumValues = meta.enum ?? meta.items?.enum;
  const isArray = meta.isArray || meta.type === 'array';
  let item: z.ZodType;
  if (enumValues) item = enumOf(enumValues);
  else if (meta.oneOf)
    item = z.union(meta.oneOf.map((one) => z.fromJSONSchema(one as z.core.JSONSchema.JSONSchema)));
  else item = constrained(valueOf(meta, where), meta);
  let schema: z.ZodType = isArray ? z.array(item) : item;
  if (meta.nullable || enumValues?.includes(null)) schema = schema.nullable();
  if (meta.required === false) schema = schema.optional();
  return meta.description ? schema.describe(meta.description) : schema;
}

function enumOf(values: unknown[]): z.ZodType {
  const strings = values.filter((v): v is string => typeof v === 'string');
  return z.enum(strings as [string, ...string[]]);
}

function valueOf(meta: PropertyMeta, where: string): z.ZodType {
  // a lazy type (`type: () => X`) is an arrow function: it has no prototype
  const type =
    typeof meta.type === 'function' && !meta.type.prototype
      ? (meta.type as () => unknown)()
      : meta.type;
  const scalar = SCALARS.get(type);
  if (scalar) return scalar();
  if (typeof type === 'function' && type !== Object && type !== Array)
    return z.object(shapeOf(type as Type<unknown>));
  throw new Error(`${where}: no schema for its type ${String(type)}`);
}

/** The bounds @ApiProperty states (the rest of a DTO's rules are class-validator's, run too). */
function constrained(schema: z.ZodType, meta: PropertyMeta): z.ZodType {
  if (schema instanceof z.ZodString) {
    let s = meta.format === 'uuid' ? z.string().uuid() : schema;
    if (meta.minLength !== undefined) s = s.min(meta.minLength);
    if (meta.maxLength !== undefined) s = s.max(meta.maxLength);
    if (meta.pattern) s = s.regex(new RegExp(meta.pattern));
    return s;
  }
  if (schema instanceof z.ZodNumber) {
    let n = schema;
    if (meta.minimum !== undefined) n = n.min(meta.minimum);
    if (meta.maximum !== undefined) n = n.max(meta.maximum);
    return n;
  }
  return schema;
}
