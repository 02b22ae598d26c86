import 'reflect-metadata';
import { loadEnvironmentOrExit } from '@app/domain/config/load-environment';
import { AppConfig, stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  loadEnvironmentOrExit();
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { createApiApp } = await import('./bootstrap');
  const app = await createApiApp();
  const config = app.get(AppConfig);
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
