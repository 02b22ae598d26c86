import type { AppConfig } from '@app/domain';
import { blobEndpointOf, mediaOrigins } from './media-origins';

const withBlob = (blob: object) =>
  ({ integrations: { blob }, publicBaseUrl: 'http://127.0.0.1:3000' }) as unknown as AppConfig;

describe('the origins the studio page may play media from (CSP media-src)', () => {
  it('is our own origin and the public base URL’s for local files (a page opened as localhost plays links to 127.0.0.1)', () => {
    expect(mediaOrigins(withBlob({ engine: 'local', root: '/data' }))).toEqual([
      "'self'",
      'http://127.0.0.1:3000',
    ]);
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
    ).toEqual(["'self'", 'http://127.0.0.1:3000', 'https://castad.blob.core.windows.net']);
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
