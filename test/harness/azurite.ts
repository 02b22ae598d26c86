import { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePort, waitFor } from './ports';
import { removeDir, startProcess, stopProcess, tempDir } from './process';

/** Azurite's published development account (not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A throwaway Azurite blob service (the npm package), on its own port and folder. */
export class AzuriteServer {
  private child?: ChildProcess;
  readonly dir = tempDir('azurite');
  port = 0;

  get connectionString(): string {
    return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=http://127.0.0.1:${this.port}/${DEV_ACCOUNT};`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const bin = resolve(__dirname, '../../node_modules/.bin/azurite-blob');
    this.child = startProcess(
      bin,
      [
        '--location',
        this.dir,
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(this.port),
        '--skipApiVersionCheck',
        '--loose',
        '--silent',
      ],
      join(this.dir, 'azurite.log'),
    );
    await waitFor('azurite to answer', async () => {
      const client = BlobServiceClient.fromConnectionString(this.connectionString);
      await client.getProperties();
      return true;
    });
  }

  async destroy(): Promise<void> {
    await stopProcess(this.child, 'SIGKILL');
    removeDir(this.dir);
  }
}
