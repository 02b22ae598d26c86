import 'reflect-metadata';

/** What @nestjs/swagger records of a DTO's properties (its decorators' metadata keys). */
const PROPERTIES = 'swagger/apiModelPropertiesArray';
const PROPERTY = 'swagger/apiModelProperties';

type JsonSchema = Record<string, unknown>;

interface PropertyMeta {
  type?: unknown;
  isArray?: boolean;
  nullable?: boolean;
}

/* eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a DTO class */
type Dto = Function;

const SCALARS: Record<string, string> = {
  String: 'string',
  string: 'string',
  Number: 'number',
  number: 'number',
  integer: 'integer',
  Boolean: 'boolean',
  boolean: 'boolean',
};

/**
 * The JSON schema of a DTO for Fastify's response serializer (fast-json-stringify), built from
 * the same @ApiProperty metadata as the OpenAPI document, so the two cannot drift: properties in
 * their declared order, nested DTOs and arrays of them, nullable where documented. A property
 * of a type it does not know is written as JSON.stringify writes it; `open` DTOs (what a person
 * stored, such as a project's options) keep every key they hold, as JSON.stringify would.
 */
export function responseSchemaOf(dto: Dto, open: readonly Dto[] = []): JsonSchema {
  const names = Reflect.getMetadata(PROPERTIES, dto.prototype) as string[] | undefined;
  if (!names) throw new Error(`${dto.name} has no documented properties`);
  if (open.includes(dto)) return { type: 'object', additionalProperties: true };
  const properties: Record<string, JsonSchema> = {};
  for (const name of names) {
    const key = name.replace(/^:/, '');
    const meta = Reflect.getMetadata(PROPERTY, dto.prototype, key) as PropertyMeta;
    const one = schemaOfType(meta.type, open);
    const schema = meta.isArray ? { type: 'array', items: one } : one;
    properties[key] = meta.nullable ? { ...schema, nullable: true } : schema;
  }
  return { type: 'object', properties };
}

function schemaOfType(type: unknown, open: readonly Dto[]): JsonSchema {
  const name = typeof type === 'function' ? type.name : type;
  if (typeof name === 'string' && SCALARS[name]) return { type: SCALARS[name] };
  if (typeof type === 'function' && Reflect.getMetadata(PROPERTIES, type.prototype))
    return responseSchemaOf(type, open);
  return {};
}
