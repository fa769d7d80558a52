import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { Config } from '../../../src/config';
import { authorityOptions, createCredential, MICROSOFT_AUTHORITY_HOSTS } from '../../../src/defender/credentials';
import { and, isoDate, queryString, quote } from '../../../src/defender/odata';

describe('odata helpers', () => {
  it('quote doubles single quotes', () => {
    expect(quote("O'Brien's PC")).toBe("'O''Brien''s PC'");
    expect(quote("' or 1 eq 1 or '")).toBe("''' or 1 eq 1 or '''");
  });

  it('isoDate gives a UTC literal and refuses invalid dates', () => {
    expect(isoDate(new Date('2026-11-20T08:00:00+02:00'))).toBe('2026-11-20T06:00:00.000Z');
    expect(() => isoDate(new Date('nope'))).toThrow(RangeError);
  });

  it('and skips empty conditions and parenthesises when joining', () => {
    expect(and(undefined, false, '')).toBeUndefined();
    expect(and("status eq 'New'")).toBe("status eq 'New'");
    expect(and('a eq 1 or b eq 2', 'c eq 3')).toBe('(a eq 1 or b eq 2) and (c eq 3)');
  });

  it('queryString percent-encodes values and leaves out undefined ones', () => {
    expect(queryString({ $top: 50, $filter: "severity eq 'high' & x", $expand: undefined })).toBe(
      "?$top=50&$filter=severity%20eq%20'high'%20%26%20x",
    );
    expect(queryString({})).toBe('');
  });
});

describe('credentials', () => {
  const azure = (overrides: Partial<Config['azure']>): Pick<Config, 'azure'> => ({
    azure: { authorityHost: 'https://login.microsoftonline.com', ...overrides },
  });
  const tenantId = '11111111-1111-1111-1111-111111111111';
  const clientId = '22222222-2222-2222-2222-222222222222';

  it('prefers a client secret, then a certificate, else managed identity', () => {
    expect(createCredential(azure({ tenantId, clientId, clientSecret: 's' }))).toBeInstanceOf(ClientSecretCredential);
    expect(createCredential(azure({ tenantId, clientId, certificatePath: '/tmp/app.pem' }))).toBeInstanceOf(
      ClientCertificateCredential,
    );
    expect(createCredential(azure({ clientId }))).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential(azure({}))).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('names the missing variable when a secret comes without a tenant', () => {
    expect(() => createCredential(azure({ clientId, clientSecret: 's' }))).toThrow(
      'AZURE_TENANT_ID: required with AZURE_CLIENT_SECRET',
    );
  });

  it("disables instance discovery only for authorities that are not Microsoft's", () => {
    for (const host of MICROSOFT_AUTHORITY_HOSTS) {
      expect(authorityOptions(`https://${host}`).disableInstanceDiscovery).toBe(false);
    }
    expect(MICROSOFT_AUTHORITY_HOSTS).toEqual([
      'login.microsoftonline.com',
      'login.microsoftonline.us',
      'login.chinacloudapi.cn',
      'login.partner.microsoftonline.cn',
    ]);
    expect(authorityOptions('https://127.0.0.1:8443').disableInstanceDiscovery).toBe(true);
    expect(authorityOptions('https://login.microsoftonline.com.evil.example').disableInstanceDiscovery).toBe(true);
  });
});
