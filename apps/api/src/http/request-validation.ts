import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { rememberValidationRules } from './validation-rules';

/**
 * The pipe every request is validated by: a field that is missing is refused as `name is
 * required`, not with every rule it would have had to meet (`name must be shorter than or equal
 * to 200 characters; name should not be empty; name must be a string`), which read as if the
 * value sent were wrong. A field that was sent keeps its rules' own messages.
 */
class RequestValidation extends ValidationPipe {
  override createExceptionFactory(): (errors?: ValidationError[]) => unknown {
    const refuse = super.createExceptionFactory();
    return (errors = []) => refuse(errors.map(requiredWhereMissing));
  }
}

/** The error of a missing field (and of a missing field within a nested one) says it is required. */
function requiredWhereMissing(error: ValidationError): ValidationError {
  error.children = error.children?.map(requiredWhereMissing);
  const missing =
    error.value === undefined &&
    !error.children?.length &&
    error.constraints !== undefined &&
    !('whitelistValidation' in error.constraints);
  if (missing) error.constraints = { isRequired: `${error.property} is required` };
  return error;
}

/** How many distinct query strings a route's validated queries are remembered for. */
const QUERIES_KEPT = 500;

/**
 * The REST pipe: a query is validated as every body is, and the outcome of a query seen before
 * is taken from memory. Reads repeat few distinct queries (the owner's list: `?limit=20`), and
 * class-validator and class-transformer on each were ~3.5% of the list's CPU (bench:api). The
 * validated query is frozen, since the next request with the same one gets the same object.
 * Refused queries are not kept: each refusal is validated again.
 */
class QueryRememberingValidation extends RequestValidation {
  private readonly queries = new Map<unknown, Map<string, unknown>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const remembered =
      metadata.type === 'query' && this.toValidate(metadata) && isPlainQuery(value);
    if (!remembered) return super.transform(value, metadata);
    let seen = this.queries.get(metadata.metatype);
    if (!seen) this.queries.set(metadata.metatype, (seen = new Map()));
    const key = JSON.stringify(value);
    if (seen.has(key)) return seen.get(key);
    const validated = await super.transform(value, metadata);
    if (seen.size >= QUERIES_KEPT) seen.delete(seen.keys().next().value!);
    seen.set(key, Object.freeze(validated));
    return validated;
  }
}

/** A query of strings (or lists of them), as Fastify parses it: a key of it is its JSON. */
function isPlainQuery(value: unknown): value is Record<string, string | string[]> {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every(
    (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
  );
}

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true } as const;

/**
 * How every request body and query is validated against its DTO (REST's global pipe, and MCP
 * tool arguments against the same DTOs): unknown fields are refused, not silently dropped.
 */
export const requestValidation = (): ValidationPipe => {
  rememberValidationRules();
  return new RequestValidation(OPTIONS);
};

/** REST's global pipe: requestValidation, with the queries seen before remembered. */
export const restValidation = (): ValidationPipe => {
  rememberValidationRules();
  return new QueryRememberingValidation(OPTIONS);
};
