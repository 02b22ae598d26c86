import { ValidateIf } from 'class-validator';

/**
 * The field may be left out; when it is sent, its other checks apply, null included. The
 * documented schemas make no optional field nullable, and class-validator's IsOptional let null
 * through (a project with `lengthSec: null` was made with the default length), so every DTO of
 * the API uses this instead.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value: unknown) => value !== undefined);
}

/**
 * The field may be left out or sent as null, which means "none" (documented as nullable): a
 * store's facts from a search result come with nulls for what the place does not list, and a
 * PATCH clears a fact with null. Its other checks apply to any other value.
 */
export function IsOptionalOrNull(): PropertyDecorator {
  return ValidateIf((_object, value: unknown) => value !== undefined && value !== null);
}
