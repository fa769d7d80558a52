/**
 * Every endpoint Watchstander calls, what it does in words, and the application permission it needs.
 *
 * One table feeds three things: the readable text of a 403 ("the app lacks Machine.Scan"), the operation named in
 * every error message ("could not list devices"), and the permissions section of the deployment docs.
 */
import type { ApiName } from './api';

/** One endpoint and the application permission it needs. */
export interface EndpointPermission {
  api: ApiName;
  method: 'GET' | 'POST';
  /** Path template; `{id}` stands for one path segment. */
  path: string;
  /** Application permission (app role) the Entra app registration needs, with admin consent. */
  permission: string;
  /** What the call does, as a verb phrase: "could not <operation>". */
  operation: string;
  /** Readable text of a 404 `ResourceNotFound` on this endpoint. */
  notFound?: string;
}

/** The API resource that grants the permissions of each API, as named in Entra "APIs my organization uses". */
export const PERMISSION_RESOURCE: Readonly<Record<ApiName, string>> = {
  graph: 'Microsoft Graph',
  defender: 'WindowsDefenderATP',
};

/** Every endpoint the client calls, with its permission (exported for the docs). */
export const ENDPOINT_PERMISSIONS: readonly EndpointPermission[] = [
  // Microsoft Graph security v1.0
  {
    api: 'graph',
    method: 'GET',
    path: '/v1.0/security/incidents',
    permission: 'SecurityIncident.Read.All',
    operation: 'list incidents',
  },
  {
    api: 'graph',
    method: 'GET',
    path: '/v1.0/security/incidents/{id}',
    permission: 'SecurityIncident.Read.All',
    operation: 'read the incident',
    notFound: 'incident not found',
  },
  {
    api: 'graph',
    method: 'GET',
    path: '/v1.0/security/alerts_v2',
    permission: 'SecurityAlert.Read.All',
    operation: 'list alerts',
  },
  {
    api: 'graph',
    method: 'GET',
    path: '/v1.0/security/secureScores',
    permission: 'SecurityEvents.Read.All',
    operation: 'read Microsoft Secure Score',
  },
  {
    api: 'graph',
    method: 'GET',
    path: '/v1.0/security/secureScoreControlProfiles',
    permission: 'SecurityEvents.Read.All',
    operation: 'read the Secure Score improvement actions',
  },
  // Defender for Endpoint: devices and alerts
  {
    api: 'defender',
    method: 'GET',
    path: '/api/machines',
    permission: 'Machine.Read.All',
    operation: 'list devices',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/machines/{id}',
    permission: 'Machine.Read.All',
    operation: 'read the device',
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/machines/{id}/alerts',
    permission: 'Alert.Read.All',
    operation: "list the device's alerts",
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/alerts',
    permission: 'Alert.Read.All',
    operation: 'list device alerts',
  },
  // Defender for Endpoint: actions and investigations
  {
    api: 'defender',
    method: 'GET',
    path: '/api/machineactions',
    permission: 'Machine.Read.All',
    operation: 'list machine actions',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/machineactions/{id}',
    permission: 'Machine.Read.All',
    operation: 'read the machine action',
    notFound: 'machine action not found',
  },
  {
    api: 'defender',
    method: 'POST',
    path: '/api/machines/{id}/runAntiVirusScan',
    permission: 'Machine.Scan',
    operation: 'start an antivirus scan',
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'POST',
    path: '/api/machines/{id}/startInvestigation',
    permission: 'Alert.ReadWrite.All',
    operation: 'start an automated investigation',
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'POST',
    path: '/api/machines/{id}/isolate',
    permission: 'Machine.Isolate',
    operation: 'isolate the device',
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'POST',
    path: '/api/machines/{id}/unisolate',
    permission: 'Machine.Isolate',
    operation: 'release the device from isolation',
    notFound: 'device not found',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/investigations',
    permission: 'Alert.Read.All',
    operation: 'list automated investigations',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/investigations/{id}',
    permission: 'Alert.Read.All',
    operation: 'read the automated investigation',
    notFound: 'investigation not found',
  },
  // Defender for Endpoint: posture
  {
    api: 'defender',
    method: 'GET',
    path: '/api/exposureScore',
    permission: 'Score.Read.All',
    operation: 'read the exposure score',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/configurationScore',
    permission: 'Score.Read.All',
    operation: 'read Microsoft Secure Score for Devices',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/recommendations',
    permission: 'SecurityRecommendation.Read.All',
    operation: 'list security recommendations',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/remediationTasks',
    permission: 'RemediationTasks.Read.All',
    operation: 'list remediation tasks',
  },
  {
    api: 'defender',
    method: 'GET',
    path: '/api/deviceavinfo',
    permission: 'Machine.Read.All',
    operation: 'read antivirus health',
  },
];

const matchers = ENDPOINT_PERMISSIONS.map((entry) => ({
  entry,
  pattern: new RegExp(`^${entry.path.split('{id}').map(escapeRegExp).join('[^/]+')}/?$`, 'i'),
}));

/** The table entry of a request, or `undefined` for a path the client does not know. */
export function endpointPermission(api: ApiName, method: string, path: string): EndpointPermission | undefined {
  const verb = method.toUpperCase();
  return matchers.find((m) => m.entry.api === api && m.entry.method === verb && m.pattern.test(path))?.entry;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
