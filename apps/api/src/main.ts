import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadConfigOrExit } from '@app/domain/config/load-config';
import { stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  const config = loadConfigOrExit('api');
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { createApiApp } = await import('./bootstrap');
  const { boundUrl, exposureWarning } = await import('./http/listen-address');
  const app = await createApiApp(config);
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then close pools
  stopOnSignals(app, { name: 'api', timeoutMs: config.http.shutdownTimeoutMs });
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as AddressInfo | null;
  const url = boundUrl(address);
  console.log(
    JSON.stringify({ msg: 'api listening', url, stage: config.stage, instance: config.instanceId }),
  );
  const warning = exposureWarning(config.http.host, config.auth.devLogin);
  if (warning) console.warn(JSON.stringify({ level: 'warn', msg: warning }));
  const { stallBeforeAnswer, stallBeforeWork } = config.idempotency;
  if (stallBeforeAnswer || stallBeforeWork)
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: `TEST_FAULT=${stallBeforeWork ? 'stall_before_work' : 'stall_before_answer'}: requests with an Idempotency-Key never answer (tests only)`,
      }),
    );
  // `npm start` (scripts/start-embedded.js) waits on the address the API actually took
  process.send?.({
    event: 'listening',
    url,
    port: address && typeof address === 'object' ? address.port : null,
  });
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
