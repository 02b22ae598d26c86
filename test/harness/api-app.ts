import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InjectOptions } from 'light-my-request';
import { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@app/domain';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { PUBLIC, ROLES, SCOPES } from '../../apps/api/src/auth/decorators';

/**
 * The real API app in this process, on a configuration built from the environment given (as
 * main.ts builds it from its own); nothing of this process's environment is read or changed,
 * so apps with different configurations can run side by side.
 */
export async function startApi(env: Record<string, string>): Promise<TestApi> {
  const config = loadConfig(
    { LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', ...env },
    'api',
  );
  const app = await createApiApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return new TestApi(app);
}

export class TestApi {
  constructor(readonly app: NestFastifyApplication) {}

  /** A JPEG made on the spot, uploaded as an owner's app does (multipart field "photo"). */
  async uploadPhoto(
    storeId: string,
    token: string,
    opts: {
      color?: string;
      width?: number;
      height?: number;
      headers?: Record<string, string>;
    } = {},
  ): Promise<{ status: number; body: any }> {
    const { default: sharp } = await import('sharp');
    const { color = '#a52', width = 720, height = 960 } = opts;
    const jpeg = await sharp({ create: { width, height, channels: 3, background: color } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg');
    const multipart = new Response(form);
    const res = await this.app.inject({
      method: 'POST',
      url: `/v1/stores/${storeId}/photos`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': multipart.headers.get('content-type') ?? '',
        ...opts.headers,
      },
      payload: Buffer.from(await multipart.arrayBuffer()),
    });
    return { status: res.statusCode, body: res.json() };
  }

  async request(
    method: InjectOptions['method'],
    url: string,
    opts: {
      token?: string;
      apiKey?: string;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    const res = await this.app.inject({
      method,
      url,
      headers,
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    let body: any = res.body;
    try {
      body = res.json();
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body, headers: res.headers };
  }

  get<T>(token: abstract new (...a: any[]) => T): T {
    return this.app.get(token as any);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

export interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  roles: string[];
  scopes: string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

/** Every route the app really has, read from Nest's own router metadata. */
export function routesOf(app: NestFastifyApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as any;
      if (!ctrl?.prototype) continue;
      const base = String(Reflect.getMetadata('path', ctrl) ?? '').replace(/^\/|\/$/g, '');
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = ctrl.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata('method', handler);
        const sub = Reflect.getMetadata('path', handler);
        if (method === undefined || sub === undefined) continue;
        const path = '/' + [base, String(sub).replace(/^\/|\/$/g, '')].filter(Boolean).join('/');
        const meta = (key: string) =>
          Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, ctrl);
        routes.push({
          method: METHODS[method],
          path,
          isPublic: Boolean(meta(PUBLIC)),
          roles: meta(ROLES) ?? [],
          scopes: meta(SCOPES) ?? [],
        });
      }
    }
  }
  return routes;
}

/** A concrete URL for a route pattern (":id" becomes a random UUID). */
export function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61');
}

/** The real scheduler app in this process (configured as startApi's app is). */
export async function startScheduler(
  env: Record<string, string>,
): Promise<{ close: () => Promise<void>; app: INestApplicationContext }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env }, 'scheduler');
  const { createSchedulerApp } = await import('../../apps/scheduler/src/bootstrap');
  const app = await createSchedulerApp(config);
  await app.init();
  return { app, close: () => app.close() };
}
