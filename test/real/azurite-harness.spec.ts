import { BlobServiceClient } from '@azure/storage-blob';
import { AzuriteServer } from '../harness/azurite';

jest.setTimeout(60_000);

// Azurite comes from npm (a devDependency), so this suite never lacks its server.
describe('the Azurite harness', () => {
  const azurite = new AzuriteServer();
  beforeAll(() => azurite.start());
  afterAll(() => azurite.destroy());

  it('serves a real Blob API: upload, download, tier change, delete', async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('harness-check');
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient('hello.txt');
    await blob.upload('안녕하세요', Buffer.byteLength('안녕하세요'), {
      blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' },
    });
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe('안녕하세요');
    await blob.setAccessTier('Cool');
    expect((await blob.getProperties()).accessTier).toBe('Cool');
    await blob.delete();
    expect(await blob.exists()).toBe(false);
  });
});
