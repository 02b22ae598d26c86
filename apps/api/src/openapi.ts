import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from './auth/decorators';
import { isRateLimited } from './rate-limit/rate-limit.guard';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

const ERROR = { $ref: '#/components/schemas/ErrorBodyDto' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Swagger UI lists tags in this order: a newcomer's path first, operations last. */
const TAGS: [string, string][] = [
  ['auth', 'sign in (Kakao, or dev login on the embedded default), refresh and sign out'],
  ['me', 'the signed-in account'],
  ['stores', 'a store: from a search or typed in, and its photos'],
  ['projects', 'a project: lyrics, song, video, live progress'],
  ['archive', 'finished videos'],
  ['files', 'downloads through short-lived signed URLs'],
  ['social', 'connecting YouTube and Instagram accounts'],
  ['sns', 'publishing a finished video to the connected accounts'],
  ['mcp', 'the same tools for agents over the Model Context Protocol (one endpoint)'],
  ['health', 'liveness and readiness for load balancers'],
  ['admin', 'operations: users, projects, usage (admin role)'],
];

/** The OpenAPI document partners read at /docs (JSON at /docs-json; committed as openapi.json). */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('CastAD API')
    .setDescription(
      'Turns a local store into advertising content: Korean jingle lyrics, a song and a vertical short video, ' +
        'published to YouTube and Instagram. Long steps run in the background: the API answers 202 with the project state.',
    )
    .setVersion('1')
    .addServer('/', 'this deployment (the API answers under the origin that serves this document)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key');
  for (const [name, description] of TAGS) config.addTag(name, description);
  return documentErrors(SwaggerModule.createDocument(app, config.build()));
}

/**
 * What every operation can answer besides its own responses, in the shared error shape
 * (HttpErrorFilter): 400 for bad input, 413/415 for a body too large or of another type, 401/403
 * on secured routes, 404 for a path that names something, 429 where the rate limiter counts. Routes without a security requirement are public
 * (@Public) and say so with `security: []`.
 */
function documentErrors(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op: Operation | undefined = item[method];
      if (!op) continue;
      const extensions = op as Operation & Record<string, unknown>;
      // @Public (the guard's own marker) decides, whatever the controller's bearer default says
      if (extensions[PUBLIC_EXTENSION]) op.security = [];
      delete extensions[PUBLIC_EXTENSION];
      op.security ??= [];
      const secured = op.security.length > 0;
      const takesInput = Boolean(op.requestBody) || (op.parameters ?? []).length > 0;
      const add = (code: string, description: string) =>
        (op.responses[code] ??= {
          description,
          content: { 'application/json': { schema: ERROR } },
        });
      if (takesInput) add('400', 'bad input: the message names the field');
      if (secured) {
        add('401', 'no valid bearer token or API key');
        add('403', 'signed in, but not allowed (role, scope or a blocked account)');
      }
      if (path.includes('{')) add('404', 'no such resource, or not yours');
      if (op.requestBody) {
        add('413', 'the body is too large');
        add('415', 'the body is not of a type this operation takes (Content-Type)');
      }
      if (isRateLimited(path))
        add('429', 'rate limited: see Retry-After and the RateLimit-* headers');
    }
  }
  return doc;
}

export function mountSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json' });
}
