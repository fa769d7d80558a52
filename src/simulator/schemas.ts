/**
 * The `$filter` fields each simulated endpoint accepts — the ones Microsoft documents for the real endpoint —
 * with their types. Filtering on anything else is refused with 400, as the services do, so a query that works
 * against the simulator also works live.
 */
import type { EntitySchema } from './odata';

const graphSeverity = {
  enum: ['unknown', 'informational', 'low', 'medium', 'high', 'unknownFutureValue'],
  ordered: true,
};
const graphClassification = {
  enum: ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity', 'unknownFutureValue'],
};

/** Graph `security/incidents`. */
export const INCIDENT_SCHEMA: EntitySchema = {
  typeName: 'microsoft.graph.security.incident',
  fields: {
    assignedTo: 'string',
    classification: graphClassification,
    createdDateTime: 'date',
    determination: 'string',
    lastUpdateDateTime: 'date',
    severity: graphSeverity,
    status: { enum: ['active', 'resolved', 'inProgress', 'redirected', 'unknownFutureValue', 'awaitingAction'] },
  },
};

/** Graph `security/alerts_v2`. */
export const GRAPH_ALERT_SCHEMA: EntitySchema = {
  typeName: 'microsoft.graph.security.alert',
  fields: {
    assignedTo: 'string',
    classification: graphClassification,
    determination: 'string',
    createdDateTime: 'date',
    lastUpdateDateTime: 'date',
    severity: graphSeverity,
    serviceSource: {
      enum: [
        'unknown',
        'microsoftDefenderForEndpoint',
        'microsoftDefenderForIdentity',
        'microsoftDefenderForCloudApps',
        'microsoftDefenderForOffice365',
        'microsoft365Defender',
        'azureAdIdentityProtection',
        'microsoftAppGovernance',
        'dataLossPrevention',
        'unknownFutureValue',
        'microsoftDefenderForCloud',
        'microsoftSentinel',
        'microsoftInsiderRiskManagement',
      ],
    },
    status: { enum: ['unknown', 'new', 'inProgress', 'resolved', 'unknownFutureValue'] },
  },
};

/** Graph `security/secureScores`. */
export const SECURE_SCORE_SCHEMA: EntitySchema = {
  typeName: 'microsoft.graph.secureScore',
  fields: {
    id: 'string',
    azureTenantId: 'string',
    createdDateTime: 'date',
    currentScore: 'number',
    maxScore: 'number',
  },
};

/** Graph `security/secureScoreControlProfiles`. */
export const CONTROL_PROFILE_SCHEMA: EntitySchema = {
  typeName: 'microsoft.graph.secureScoreControlProfile',
  fields: {
    id: 'string',
    controlCategory: 'string',
    service: 'string',
    tier: 'string',
    title: 'string',
    actionType: 'string',
    deprecated: 'boolean',
    maxScore: 'number',
    rank: 'number',
  },
};

const riskScore = { enum: ['None', 'Informational', 'Low', 'Medium', 'High'], ordered: true };

/** Defender for Endpoint `machines`. */
export const MACHINE_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.PublicMachine',
  fields: {
    computerDnsName: 'string',
    id: 'string',
    version: 'string',
    deviceValue: { enum: ['Normal', 'Low', 'High'] },
    aadDeviceId: 'string',
    machineTags: 'strings',
    lastSeen: 'date',
    exposureLevel: { enum: ['None', 'Low', 'Medium', 'High'], ordered: true },
    onboardingStatus: 'string',
    lastIpAddress: 'string',
    healthStatus: {
      enum: [
        'Active',
        'Inactive',
        'ImpairedCommunication',
        'NoSensorData',
        'NoSensorDataImpairedCommunication',
        'Unknown',
      ],
    },
    osPlatform: 'string',
    riskScore,
    rbacGroupId: 'number',
  },
};

/** Defender for Endpoint `alerts`. */
export const MDE_ALERT_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.PublicAlert',
  fields: {
    alertCreationTime: 'date',
    lastUpdateTime: 'date',
    incidentId: 'number',
    investigationId: 'number',
    id: 'string',
    assignedTo: 'string',
    detectionSource: 'string',
    lastEventTime: 'date',
    status: { enum: ['Unknown', 'New', 'InProgress', 'Resolved'] },
    severity: { enum: ['UnSpecified', 'Informational', 'Low', 'Medium', 'High'], ordered: true },
    category: 'string',
  },
};

const ACTION_TYPES = [
  'RunAntiVirusScan',
  'Offboard',
  'LiveResponse',
  'CollectInvestigationPackage',
  'Isolate',
  'Unisolate',
  'StopAndQuarantineFile',
  'RestrictCodeExecution',
  'UnrestrictCodeExecution',
];

/** Defender for Endpoint `machineactions`. */
export const MACHINE_ACTION_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.MachineAction',
  fields: {
    id: 'string',
    status: { enum: ['Pending', 'InProgress', 'Succeeded', 'Failed', 'TimeOut', 'Cancelled'] },
    machineId: 'string',
    type: { enum: ACTION_TYPES },
    requestor: 'string',
    creationDateTimeUtc: 'date',
  },
};

/** Defender for Endpoint `investigations`. */
export const INVESTIGATION_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.PublicInvestigation',
  fields: {
    startTime: 'date',
    id: 'string',
    state: {
      enum: [
        'Unknown',
        'Terminated',
        'SuccessfullyRemediated',
        'Benign',
        'Failed',
        'PartiallyRemediated',
        'Running',
        'PendingApproval',
        'PendingResource',
        'PartiallyInvestigated',
        'TerminatedByUser',
        'TerminatedBySystem',
        'Queued',
        'InnerFailure',
        'PreexistingAlert',
        'UnsupportedOs',
        'UnsupportedAlertType',
        'SuppressedAlert',
      ],
    },
    machineId: 'string',
    triggeringAlertId: 'string',
  },
};

/** Defender for Endpoint `recommendations`. */
export const RECOMMENDATION_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.PublicRecommendation',
  fields: {
    id: 'string',
    productName: 'string',
    vendor: 'string',
    recommendedVersion: 'string',
    recommendationCategory: 'string',
    subCategory: 'string',
    severityScore: 'number',
    remediationType: 'string',
    recommendedProgram: 'string',
    recommendedVendor: 'string',
    status: 'string',
  },
};

/** Defender for Endpoint `remediationTasks`. */
export const REMEDIATION_TASK_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.PublicRemediationTask',
  fields: { id: 'string', createdOn: 'date', status: 'string' },
};

/** Defender for Endpoint `deviceavinfo`. */
export const DEVICE_AV_INFO_SCHEMA: EntitySchema = {
  typeName: 'microsoft.windowsDefenderATP.api.DeviceAvInfo',
  fields: {
    machineId: 'string',
    computerDnsName: 'string',
    osKind: 'string',
    osPlatform: 'string',
    osVersion: 'string',
    avMode: 'string',
    avSignatureVersion: 'string',
    avEngineVersion: 'string',
    avPlatformVersion: 'string',
    quickScanResult: 'string',
    quickScanError: 'string',
    fullScanResult: 'string',
    fullScanError: 'string',
    avIsSignatureUpToDate: 'boolean',
    avIsEngineUpToDate: 'boolean',
    avIsPlatformUpToDate: 'boolean',
    rbacGroupId: 'string',
  },
};
