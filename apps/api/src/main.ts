import 'reflect-metadata';
import { loadConfigOrExit } from '@app/domain/config/load-config';
import { stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  const config = loadConfigOrExit('api');
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { createApiApp } = await import('./bootstrap');
  const app = await createApiApp(config);
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then close pools
  stopOnSignals(app, { name: 'api', timeoutMs: config.http.shutdownTimeoutMs });
  await app.listen(config.http.port, config.http.host);
  console.log(
    JSON.stringify({
      msg: 'api listening',
      url: await app.getUrl(),
      stage: config.stage,
      instance: config.instanceId,
    }),
  );
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
