/**
 * DEFENDER_SCOPE takes every form Entra accepts for a client-credentials scope (an application ID URI or an
 * application id, followed by /.default) and refuses, with one line naming the variable, what Entra would refuse.
 */
import { ConfigError, loadConfig } from '../../src/config';

/** The Defender for Endpoint API (WindowsDefenderATP) application id, as docs/permissions.md lists it. */
const DEFENDER_APP_ID = 'fc780465-2017-40d4-a0c5-307022471b92';

const HOME_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const withScope = (scope: string) =>
  loadConfig({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: HOME_TENANT, DEFENDER_SCOPE: scope });

test.each([
  ['the default, an https application ID URI', 'https://api.securitycenter.microsoft.com/.default'],
  ['an api:// application ID URI', `api://${DEFENDER_APP_ID}/.default`],
  ['the application id', `${DEFENDER_APP_ID}/.default`],
  ['an application id in capitals', `${DEFENDER_APP_ID.toUpperCase()}/.default`],
  ['a resource whose identifier ends with a slash', 'https://api.securitycenter.microsoft.com//.default'],
  ['a urn: application ID URI', 'urn:contoso:defender-proxy/.default'],
])('accepts %s', (_, scope) => {
  expect(withScope(scope).defenderScope).toBe(scope);
});

test('defaults to the Defender for Endpoint API scope', () => {
  expect(loadConfig({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: HOME_TENANT }).defenderScope).toBe(
    'https://api.securitycenter.microsoft.com/.default',
  );
});

test.each([
  ['no /.default suffix', 'https://api.securitycenter.microsoft.com', /ending in \/\.default/],
  ['a delegated permission instead of /.default', 'https://api.securitycenter.microsoft.com/Machine.Read', /ending in/],
  ['a space inside', `api://${DEFENDER_APP_ID} /.default`, /without spaces/],
  ['two scopes separated by a space', `${DEFENDER_APP_ID}/.default https://graph.microsoft.com/.default`, /spaces/],
  ['two scopes separated by a comma', `${DEFENDER_APP_ID}/.default,https://graph.microsoft.com/.default`, /several/],
  ['no resource', '/.default', /expected https:/],
  ['a resource that is neither a URI nor an application id', 'windowsdefenderatp/.default', /expected https:/],
  ['a truncated application id', 'fc780465-2017-40d4-a0c5/.default', /expected https:/],
  ['a scheme with nothing after it', 'https:///.default', /expected https:/],
])('refuses %s with one line naming DEFENDER_SCOPE', (_, scope, detail) => {
  let error: unknown;
  try {
    withScope(scope);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const { variable, message } = error as ConfigError;
  expect(variable).toBe('DEFENDER_SCOPE');
  expect(message).toMatch(/^DEFENDER_SCOPE: /);
  expect(message).toMatch(detail);
  expect(message).toContain(`"${scope}"`);
  expect(message).not.toContain('\n');
});
