/**
 * Alerts and incidents as the services send them: Graph `alerts_v2` alerts with their evidence, Defender for
 * Endpoint alerts, and Graph incidents named the way Defender names them from their alerts.
 */
import { CATEGORY_NAMES, DNS_SUFFIX, GRAPH_SEVERITIES, RBAC_GROUPS, USERS } from './catalog';
import { investigationStateAt, riskScoreAt } from './lifecycle';
import { Rng, streamId } from './random';
import type { AlertRecord, IncidentComment, IncidentRecord } from './records';
import {
  PORTAL,
  aadDeviceIdOf,
  capitalize,
  deviceExternalIp,
  deviceIp,
  iso,
  isoOrNull,
  orNull,
  type Json,
  type RenderContext,
} from './render';

const detectorIds = new Map<string, string>();

function detectorId(title: string): string {
  let id = detectorIds.get(title);
  if (!id) {
    id = new Rng(streamId(title)).guid();
    detectorIds.set(title, id);
  }
  return id;
}

function alertUrl(alert: AlertRecord, ctx: RenderContext): string {
  return `${PORTAL}/alerts/${alert.id}?tid=${ctx.tenantId}`;
}

function incidentUrl(incident: IncidentRecord, ctx: RenderContext): string {
  return `${PORTAL}/incidents/${incident.id}?tid=${ctx.tenantId}`;
}

interface Remediation {
  verdict: string;
  remediationStatus: string;
  detectionStatus: string;
}

function remediationOf(alert: AlertRecord, ctx: RenderContext): Remediation {
  const state = alert.investigation ? investigationStateAt(alert.investigation, ctx.now).state : undefined;
  const verdict =
    alert.classification === 'falsePositive' || alert.classification === 'informationalExpectedActivity'
      ? 'noThreatsFound'
      : GRAPH_SEVERITIES.indexOf(alert.severity) >= 3
        ? 'malicious'
        : 'suspicious';
  const remediationStatus = alert.template.prevented
    ? 'prevented'
    : state === 'SuccessfullyRemediated' || state === 'PartiallyRemediated'
      ? 'remediated'
      : 'none';
  return { verdict, remediationStatus, detectionStatus: alert.template.prevented ? 'prevented' : 'detected' };
}

function fileHashes(alert: AlertRecord): { sha1: string; sha256: string; size: number } {
  const rng = new Rng(streamId(alert.template.fileName ?? alert.template.title));
  return { sha1: rng.hex(40), sha256: rng.hex(64), size: rng.int(20_000, 4_000_000) };
}

const SENDER = {
  emailAddress: 'billing@fabrikam-billing.example',
  displayName: 'Fabrikam Billing',
  domainName: 'fabrikam-billing.example',
};

function graphEvidence(alert: AlertRecord, ctx: RenderContext): Json[] {
  const t = alert.template;
  const r = remediationOf(alert, ctx);
  const user = USERS[alert.user];
  const base = (type: string): Json => ({
    '@odata.type': `#microsoft.graph.security.${type}`,
    createdDateTime: iso(alert.created),
    verdict: r.verdict,
    remediationStatus: r.remediationStatus,
    remediationStatusDetails: null,
    roles: [],
    detailedRoles: [],
    tags: [],
  });
  const userAccount = {
    accountName: user.upn.split('@')[0],
    domainName: 'CONTOSO',
    userSid: `S-1-5-21-1004336348-1177238915-682003330-${1100 + alert.user}`,
    azureAdUserId: new Rng(streamId(user.upn)).guid(),
    userPrincipalName: user.upn,
    displayName: user.name,
  };
  const evidence: Json[] = [];
  const device = alert.device;
  if (device) {
    evidence.push({
      ...base('deviceEvidence'),
      roles: ['compromised'],
      firstSeenDateTime: iso(device.firstSeen),
      mdeDeviceId: device.id,
      azureAdDeviceId: aadDeviceIdOf(device),
      deviceDnsName: device.name,
      hostName: device.name.split('.')[0],
      ntDomain: device.os.osKind === 'windows' ? 'CONTOSO' : null,
      dnsDomain: device.name.includes('.') ? DNS_SUFFIX : null,
      osPlatform: device.os.platform,
      osBuild: device.os.build,
      version: device.os.version,
      healthStatus: capitalize(device.health),
      riskScore: riskScoreAt(device, ctx.now).toLowerCase(),
      rbacGroupId: RBAC_GROUPS[device.group].id,
      rbacGroupName: RBAC_GROUPS[device.group].name,
      onboardingStatus: device.onboarding === 'Onboarded' ? 'onboarded' : 'canBeOnboarded',
      defenderAvStatus: device.signatureLagDays > 1 ? 'notUpdated' : 'updated',
      lastIpAddress: deviceIp(device),
      lastExternalIpAddress: deviceExternalIp(device),
      ipInterfaces: [deviceIp(device)],
      loggedOnUsers: [{ accountName: userAccount.accountName, domainName: 'CONTOSO' }],
      vmMetadata: null,
    });
  }
  if (t.evidence === 'file' || t.evidence === 'process') {
    const h = fileHashes(alert);
    const fileDetails = {
      sha1: h.sha1,
      sha256: h.sha256,
      fileName: t.fileName ?? null,
      filePath: t.filePath ?? null,
      fileSize: h.size,
      filePublisher: t.evidence === 'process' ? 'Microsoft Corporation' : null,
      signer: null,
      issuer: null,
    };
    if (t.evidence === 'file') {
      const mdeDeviceId = device?.id ?? null;
      evidence.push({ ...base('fileEvidence'), detectionStatus: r.detectionStatus, mdeDeviceId, fileDetails });
    } else {
      evidence.push({
        ...base('processEvidence'),
        detectionStatus: r.detectionStatus,
        mdeDeviceId: device?.id ?? null,
        processId: 4000 + (alert.created % 6000),
        parentProcessId: 1000 + (alert.created % 3000),
        processCommandLine: t.commandLine ?? t.fileName ?? null,
        processCreationDateTime: iso(alert.firstActivity),
        parentProcessCreationDateTime: iso(alert.firstActivity - 60_000),
        imageFile: fileDetails,
        parentProcessImageFile: { fileName: 'explorer.exe', filePath: 'C:\\Windows', sha1: null, sha256: null },
        userAccount,
      });
    }
  }
  const url = `http://contoso-payroll-update.example/login?session=${alert.id.slice(-6)}`;
  if (t.evidence === 'url' || t.evidence === 'email') evidence.push({ ...base('urlEvidence'), url });
  if (t.evidence === 'email') {
    evidence.push({
      ...base('analyzedMessageEvidence'),
      networkMessageId: new Rng(streamId(alert.id)).guid(),
      internetMessageId: `<${alert.id.slice(2, 14)}@mail.fabrikam-billing.example>`,
      subject: 'Action required: your invoice is overdue',
      language: 'en',
      senderIp: '198.51.100.23',
      recipientEmailAddress: user.upn,
      antiSpamDirection: 'Inbound',
      deliveryAction: 'Delivered',
      deliveryLocation: 'Inbox/folder',
      p1Sender: SENDER,
      p2Sender: SENDER,
      threatDetectionMethods: ['urlDetonationReputation'],
      threats: ['Phish'],
      urlCount: 1,
      attachmentsCount: 0,
      urls: [url],
    });
  }
  evidence.push({ ...base('userEvidence'), roles: device ? [] : ['contextual'], userAccount });
  return evidence;
}

/** Graph `alerts_v2` alert. */
export function renderGraphAlert(alert: AlertRecord, ctx: RenderContext): Json {
  const t = alert.template;
  const mde = t.source === 'mde';
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id: alert.id,
    providerAlertId: alert.id,
    incidentId: String(alert.incident.id),
    status: alert.status,
    severity: alert.severity,
    classification: alert.classification,
    determination: alert.determination,
    serviceSource: mde ? 'microsoftDefenderForEndpoint' : 'microsoftDefenderForOffice365',
    detectionSource: t.detectionSource,
    productName: mde ? 'Microsoft Defender for Endpoint' : 'Microsoft Defender for Office 365',
    detectorId: detectorId(t.title),
    tenantId: ctx.tenantId,
    title: alert.title,
    description: t.description,
    recommendedActions: t.recommendedActions,
    category: t.category,
    assignedTo: alert.assignedTo,
    alertWebUrl: alertUrl(alert, ctx),
    incidentWebUrl: incidentUrl(alert.incident, ctx),
    actorDisplayName: null,
    threatDisplayName: t.threatName ?? null,
    threatFamilyName: t.threatFamilyName ?? null,
    mitreTechniques: t.mitreTechniques,
    createdDateTime: iso(alert.created),
    lastUpdateDateTime: iso(alert.lastUpdate),
    resolvedDateTime: isoOrNull(alert.resolved),
    firstActivityDateTime: iso(alert.firstActivity),
    lastActivityDateTime: iso(alert.created),
    comments: [],
    evidence: graphEvidence(alert, ctx),
    systemTags: [],
    alertPolicyId: null,
  };
}

const MDE_CLASSIFICATION: Readonly<Record<string, string | null>> = {
  unknown: null,
  truePositive: 'TruePositive',
  falsePositive: 'FalsePositive',
  informationalExpectedActivity: 'InformationalExpectedActivity',
};

/** The filterable fields of a Defender for Endpoint alert only. */
export function mdeAlertRow(alert: AlertRecord, ctx: RenderContext): Json {
  return {
    alertCreationTime: orNull(ctx, alert.id, 'alertCreationTime', alert.created),
    lastUpdateTime: orNull(ctx, alert.id, 'lastUpdateTime', alert.lastUpdate),
    incidentId: alert.incident.id,
    investigationId: alert.investigation?.id ?? null,
    id: alert.id,
    assignedTo: alert.assignedTo,
    detectionSource: alert.template.mdeDetectionSource,
    lastEventTime: orNull(ctx, alert.id, 'lastEventTime', alert.created),
    status: alert.status,
    severity: alert.severity === 'unknown' ? 'UnSpecified' : alert.severity,
    category: alert.template.category,
  };
}

/** Defender for Endpoint alert (`/api/alerts`); `evidence` only with `$expand=evidence`, as the service does. */
export function renderMdeAlert(alert: AlertRecord, ctx: RenderContext, expandEvidence = false): Json {
  const t = alert.template;
  const device = alert.device;
  const user = USERS[alert.user];
  const inv = alert.investigation;
  // Every time of an MDE alert, its investigation state and its incident are Nullable on the alert page.
  const investigationState = inv
    ? investigationStateAt(inv, ctx.now).state
    : orNull(
        ctx,
        alert.id,
        'investigationState',
        device && !device.os.canInvestigate ? 'UnsupportedOs' : 'UnsupportedAlertType',
      );
  const json: Json = {
    id: alert.id,
    incidentId: alert.incident.id,
    investigationId: inv ? inv.id : null,
    assignedTo: alert.assignedTo,
    severity: alert.severity === 'unknown' ? 'UnSpecified' : capitalize(alert.severity),
    status: alert.status === 'new' ? 'New' : alert.status === 'inProgress' ? 'InProgress' : 'Resolved',
    classification: MDE_CLASSIFICATION[alert.classification] ?? null,
    determination: alert.determination === 'unknown' ? null : capitalize(alert.determination),
    investigationState,
    detectionSource: t.mdeDetectionSource,
    detectorId: detectorId(t.title),
    category: t.category,
    threatFamilyName: t.threatFamilyName ?? null,
    threatName: t.threatName ?? null,
    title: alert.title,
    description: t.description,
    alertCreationTime: orNull(ctx, alert.id, 'alertCreationTime', iso(alert.created)),
    firstEventTime: orNull(ctx, alert.id, 'firstEventTime', iso(alert.firstActivity)),
    lastEventTime: orNull(ctx, alert.id, 'lastEventTime', iso(alert.created)),
    lastUpdateTime: orNull(ctx, alert.id, 'lastUpdateTime', iso(alert.lastUpdate)),
    resolvedTime: isoOrNull(alert.resolved),
    machineId: device?.id ?? null,
    computerDnsName: device?.name ?? null,
    rbacGroupName: device ? RBAC_GROUPS[device.group].name : null,
    aadTenantId: ctx.tenantId,
    mitreTechniques: t.mitreTechniques,
    relatedUser: { userName: user.upn.split('@')[0], domainName: 'CONTOSO' },
    loggedOnUsers: [{ accountName: user.upn.split('@')[0], domainName: 'CONTOSO' }],
    comments: [],
  };
  if (expandEvidence) json.evidence = mdeEvidence(alert, ctx);
  return json;
}

function mdeEvidence(alert: AlertRecord, ctx: RenderContext): Json[] {
  const t = alert.template;
  const r = remediationOf(alert, ctx);
  const user = USERS[alert.user];
  const evidence: Json[] = [];
  if (t.fileName) {
    const h = fileHashes(alert);
    evidence.push({
      entityType: t.evidence === 'process' ? 'Process' : 'File',
      evidenceCreationTime: iso(alert.created),
      sha1: h.sha1,
      sha256: h.sha256,
      fileName: t.fileName,
      filePath: t.filePath ?? null,
      processId: t.evidence === 'process' ? 4000 + (alert.created % 6000) : null,
      processCommandLine: t.commandLine ?? null,
      processCreationTime: t.evidence === 'process' ? iso(alert.firstActivity) : null,
      parentProcessId: null,
      parentProcessCreationTime: null,
      parentProcessFileName: null,
      parentProcessFilePath: null,
      ipAddress: null,
      url: null,
      registryKey: null,
      registryHive: null,
      registryValueType: null,
      registryValue: null,
      accountName: null,
      domainName: null,
      userSid: null,
      aadUserId: null,
      userPrincipalName: null,
      detectionStatus: capitalize(r.detectionStatus),
    });
  }
  evidence.push({
    entityType: 'User',
    evidenceCreationTime: iso(alert.created),
    accountName: user.upn.split('@')[0],
    domainName: 'CONTOSO',
    userSid: `S-1-5-21-1004336348-1177238915-682003330-${1100 + alert.user}`,
    aadUserId: new Rng(streamId(user.upn)).guid(),
    userPrincipalName: user.upn,
    detectionStatus: null,
  });
  return evidence;
}

/** The name Defender gives an incident, from its alerts. */
export function incidentName(incident: IncidentRecord): string {
  const alerts = incident.alerts;
  if (alerts.length === 0) return 'Incident with no alerts';
  const devices = new Set(alerts.filter((a) => a.device).map((a) => a.device!.id));
  const mail = devices.size === 0;
  const users = new Set(alerts.map((a) => a.user));
  const where = mail
    ? users.size > 1
      ? 'involving multiple users'
      : 'involving one user'
    : devices.size > 1
      ? 'on multiple endpoints'
      : 'on one endpoint';
  const titles = new Set(alerts.map((a) => a.title));
  if (titles.size === 1) return `${alerts[0].title} ${where}`;
  const categories = [...new Set(alerts.map((a) => a.template.category))];
  const label = (c: string): string => CATEGORY_NAMES[c] ?? c;
  if (categories.length === 1) return `${label(categories[0])} incident ${where}`;
  return `Multi-stage incident involving ${categories.slice(0, 3).map(label).join(' & ')} ${where}`;
}

/** Graph `alertComment`. */
export function renderIncidentComment(comment: IncidentComment): Json {
  return {
    '@odata.type': '#microsoft.graph.security.alertComment',
    comment: comment.comment,
    createdByDisplayName: comment.createdByDisplayName,
    createdDateTime: iso(comment.created),
  };
}

/** Graph `security/incidents` incident; `alerts` only with `$expand=alerts`. */
export function renderIncident(incident: IncidentRecord, ctx: RenderContext, expandAlerts = false): Json {
  let worst = 0;
  let updated = incident.updated;
  for (const a of incident.alerts) {
    worst = Math.max(worst, GRAPH_SEVERITIES.indexOf(a.severity));
    updated = Math.max(updated, a.lastUpdate);
  }
  const json: Json = {
    '@odata.type': '#microsoft.graph.security.incident',
    id: String(incident.id),
    tenantId: ctx.tenantId,
    status: incident.status,
    incidentWebUrl: incidentUrl(incident, ctx),
    redirectIncidentId: incident.redirectTo ? String(incident.redirectTo.id) : null,
    displayName: incident.nameBeforeMerge ?? incidentName(incident),
    description: null,
    createdDateTime: iso(incident.created),
    lastUpdateDateTime: iso(updated),
    assignedTo: incident.assignedTo,
    classification: incident.classification,
    determination: incident.determination,
    severity: GRAPH_SEVERITIES[worst],
    customTags: incident.tags,
    systemTags: [],
    comments: (incident.comments ?? []).map(renderIncidentComment),
    summary: null,
    resolvingComment:
      incident.resolvingComment !== undefined
        ? incident.resolvingComment
        : incident.status === 'resolved'
          ? 'Resolved after review'
          : null,
  };
  if (expandAlerts) json.alerts = incident.alerts.map((a) => renderGraphAlert(a, ctx));
  return json;
}
