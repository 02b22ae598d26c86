import { Param, ParseUUIDPipe } from '@nestjs/common';
import { InvalidInputError } from '@app/domain';

/**
 * A path parameter that must be a UUID (every id in our paths). A malformed one is a 400 that
 * names the parameter (Nest's own said only "Validation failed (uuid is expected)").
 */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new InvalidInputError(`${name} in the path must be a UUID`),
    }),
  );
