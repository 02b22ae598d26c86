import { ValidationPipe } from '@nestjs/common';

/**
 * How every request body and query is validated against its DTO (REST's global pipe, and MCP
 * tool arguments against the same DTOs): unknown fields are refused, not silently dropped.
 */
export const requestValidation = (): ValidationPipe =>
  new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
