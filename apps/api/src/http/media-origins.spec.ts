import type { AppConfig } from '@app/domain';
import { blobEndpointOf, mediaOrigins } from './media-origins';

const withBlob = (blob: object) => ({ integrations: { blob } }) as unknown as AppConfig;

describe('the origins the studio page may play media from (CSP media-src)', () => {
  it('is our own origin for local files', () => {
    expect(mediaOrigins(withBlob({ engine: 'local', root: '/data' }))).toEqual(["'self'"]);
  });

  it('adds the Azure Blob endpoint the signed links point at', () => {
    expect(
      mediaOrigins(
        withBlob({
          engine: 'azure',
          connectionString:
            'DefaultEndpointsProtocol=https;AccountName=castad;AccountKey=a2V5;EndpointSuffix=core.windows.net',
        }),
      ),
    ).toEqual(["'self'", 'https://castad.blob.core.windows.net']);
  });

  it('reads an explicit BlobEndpoint (Azurite, a custom domain) as its origin, and nothing else', () => {
    expect(
      blobEndpointOf(
        'AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
      ),
    ).toBe('http://127.0.0.1:10000');
    expect(blobEndpointOf('UseDevelopmentStorage=true')).toBe('http://127.0.0.1:10000');
    expect(blobEndpointOf('AccountKey=a2V5')).toBeNull();
  });
});
