/**
 * The app-only Azure credential of the live Defender client, chosen from the configuration.
 *
 * A client secret wins, then a PEM certificate, else managed identity (user-assigned when `AZURE_CLIENT_ID` is
 * set). A token authority that is not one of Microsoft's clouds (a sovereign mirror, a local emulator) gets
 * instance discovery turned off, because discovery would ask login.microsoftonline.com about a host it never heard of.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { ConfigError, type Config } from '../config';

/** Microsoft's own token authorities; any other host is an emulator or a private mirror. */
export const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

/** Options every credential gets: the authority, and instance discovery off for non-Microsoft authorities. */
export interface AuthorityOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

/** The authority options for `authorityHost` (an https URL). */
export function authorityOptions(authorityHost: string): AuthorityOptions {
  const host = new URL(authorityHost).hostname.toLowerCase();
  return { authorityHost, disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.includes(host) };
}

/** Which credential `createCredential` builds for a configuration. */
export type CredentialKind = 'client-secret' | 'client-certificate' | 'managed-identity';

/** The credential kind the configuration asks for. */
export function credentialKind(azure: Config['azure']): CredentialKind {
  if (azure.clientSecret) return 'client-secret';
  if (azure.certificatePath) return 'client-certificate';
  return 'managed-identity';
}

/** Builds the `TokenCredential` for `config.azure`; throws `ConfigError` when a secret or certificate lacks ids. */
export function createCredential(config: Pick<Config, 'azure'>): TokenCredential {
  const { azure } = config;
  const options = authorityOptions(azure.authorityHost);
  const kind = credentialKind(azure);
  if (kind === 'managed-identity') {
    return azure.clientId
      ? new ManagedIdentityCredential({ clientId: azure.clientId, authorityHost: options.authorityHost })
      : new ManagedIdentityCredential({ authorityHost: options.authorityHost });
  }
  const tenantId = required('AZURE_TENANT_ID', azure.tenantId, kind);
  const clientId = required('AZURE_CLIENT_ID', azure.clientId, kind);
  if (kind === 'client-secret') {
    return new ClientSecretCredential(tenantId, clientId, azure.clientSecret!, options);
  }
  return new ClientCertificateCredential(tenantId, clientId, { certificatePath: azure.certificatePath! }, options);
}

function required(variable: string, value: string | undefined, kind: CredentialKind): string {
  if (!value) {
    const by = kind === 'client-secret' ? 'AZURE_CLIENT_SECRET' : 'AZURE_CLIENT_CERTIFICATE_PATH';
    throw new ConfigError(variable, `required with ${by}`);
  }
  return value;
}
