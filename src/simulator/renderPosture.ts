/**
 * Scores and posture as the services send them: Graph Secure Scores (one a day, computed from how each control
 * moves) and control profiles, Defender exposure score and Secure Score for Devices (drifting with the clock),
 * security recommendations and remediation tasks.
 */
import { CONTROL_PROFILES, RBAC_GROUPS, USERS } from './catalog';
import { DAY, HOUR } from './lifecycle';
import { Rng, streamId, unitHash } from './random';
import type { RecommendationRecord, RemediationTaskRecord } from './records';
import { PORTAL, dayNumber, iso, type Json, type RenderContext } from './render';

// ---- scores -------------------------------------------------------------------------------------------------

/** Share (0–1) of a control's points the tenant has on a day. */
function controlShare(index: number, day: number, ctx: RenderContext): number {
  const offset = day - dayNumber(ctx.anchor);
  const trend = CONTROL_PROFILES[index].trend;
  switch (trend.kind) {
    case 'done':
      return 1;
    case 'never':
      return 0;
    case 'implementedOn':
      return offset >= trend.day ? 1 : 0;
    case 'regressedOn':
      return offset >= trend.day ? trend.to : 1;
    case 'rollout': {
      const noise = (unitHash(ctx.seed, day, index) - 0.5) * 0.01;
      return Math.min(1, Math.max(0, trend.from + trend.perDay * (offset + 90) + noise));
    }
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Licensed users of the simulated business. */
function licensedUsers(ctx: RenderContext): number {
  return Math.max(USERS.length, Math.round(ctx.deviceCount * 0.8));
}

function implementation(share: number, licensed: number): string {
  if (share >= 1) return 'Implemented';
  return share <= 0 ? 'Not implemented' : `${Math.round(share * licensed)} of ${licensed} users`;
}

/** Graph `secureScores` record of one day (UTC). */
export function renderSecureScore(day: number, ctx: RenderContext): Json {
  const date = new Date(day * DAY).toISOString().slice(0, 10);
  const licensed = licensedUsers(ctx);
  let current = 0;
  let max = 0;
  const controlScores = CONTROL_PROFILES.map((c, i) => {
    const share = controlShare(i, day, ctx);
    const score = round2(c.maxScore * share);
    current += score;
    max += c.maxScore;
    return {
      controlCategory: c.category,
      controlName: c.id,
      description: c.remediation,
      score,
      scoreInPercentage: round2(share * 100),
      implementationStatus: implementation(share, licensed),
      lastSynced: `${date}T00:00:00Z`,
      on: String(share >= 1),
      IsApplicable: 'true',
    };
  });
  const wobble = (unitHash(ctx.seed, day, 7) - 0.5) * 0.4;
  return {
    id: `${ctx.tenantId}_${date}`,
    azureTenantId: ctx.tenantId,
    activeUserCount: Math.max(1, licensed - 1 - Math.floor(unitHash(ctx.seed, day, 3) * 3)),
    createdDateTime: `${date}T00:00:00Z`,
    currentScore: round2(current),
    maxScore: max,
    licensedUserCount: licensed,
    enabledServices: ['HasExchange', 'HasSharePoint', 'HasOD4B', 'HasMDEP', 'HasMDO', 'HasIntune'],
    averageComparativeScores: [
      { basis: 'AllTenants', averageScore: round2(max * 0.41 + wobble) },
      {
        basis: 'TotalSeats',
        averageScore: round2(max * 0.47 + wobble),
        seatSizeRangeLowerValue: '6',
        seatSizeRangeUpperValue: '100',
      },
    ],
    controlScores,
    vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
  };
}

/** Graph `secureScoreControlProfiles` entry. */
export function renderControlProfile(index: number, ctx: RenderContext): Json {
  const c = CONTROL_PROFILES[index];
  return {
    id: c.id,
    azureTenantId: ctx.tenantId,
    actionType: c.actionType,
    actionUrl: `${PORTAL}/securescore?viewid=actions&actionId=${c.id}`,
    controlCategory: c.category,
    title: c.title,
    deprecated: false,
    implementationCost: c.implementationCost,
    lastModifiedDateTime: iso(ctx.anchor - 40 * DAY),
    maxScore: c.maxScore,
    rank: c.rank,
    remediation: c.remediation,
    remediationImpact: `Users affected: ${c.userImpact.toLowerCase()} impact.`,
    service: c.service,
    threats: c.threats,
    tier: c.tier,
    userImpact: c.userImpact,
    complianceInformation: null,
    controlStateUpdates: [],
    vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
  };
}

/** Exposure score (0–100, lower is better) at a time: drifts slowly, days apart differ by a few points. */
export function exposureScoreAt(ms: number, ctx: RenderContext): number {
  const days = ms / DAY;
  const noise = (unitHash(ctx.seed, Math.floor(ms / (6 * HOUR)), 11) - 0.5) * 1.5;
  const wave = 6 * Math.sin((2 * Math.PI * days) / 13) + 3 * Math.sin((2 * Math.PI * days) / 4.1);
  return round2(Math.min(100, Math.max(0, 31 + wave + noise)));
}

/** Microsoft Secure Score for Devices (points) at a time. */
export function configurationScoreAt(ms: number, ctx: RenderContext): number {
  const days = ms / DAY;
  const noise = (unitHash(ctx.seed, Math.floor(ms / (6 * HOUR)), 12) - 0.5) * 4;
  return Math.round(548 + 36 * Math.sin((2 * Math.PI * days) / 17) + 12 * Math.sin((2 * Math.PI * days) / 5.3) + noise);
}

// ---- recommendations and remediation tasks -------------------------------------------------------------------

/** Defender Vulnerability Management recommendation. */
export function renderRecommendation(rec: RecommendationRecord): Json {
  const t = rec.template;
  return {
    id: t.id,
    productName: t.productName || null,
    recommendationName: t.name,
    weaknesses: t.weaknesses,
    vendor: t.vendor,
    recommendedVersion: t.recommendedVersion,
    recommendationCategory: t.category,
    subCategory: t.subCategory,
    severityScore: t.severityScore,
    publicExploit: t.publicExploit,
    activeAlert: rec.activeAlert,
    associatedThreats: t.associatedThreats,
    remediationType: t.remediationType,
    status: rec.status,
    configScoreImpact: t.configScoreImpact,
    exposureImpact: t.exposureImpact,
    totalMachineCount: rec.totalMachineCount,
    exposedMachinesCount: rec.exposedMachinesCount,
    nonProductivityImpactedAssets: 0,
    relatedComponent: t.relatedComponent,
    hasUnpatchableCve: false,
    recommendedProgram: null,
    recommendedVendor: null,
    exposedCriticalDevices: 0,
    tags: [],
  };
}

/** Fixed devices and completion of a remediation task at a time: active tasks fix a few devices every day. */
function taskProgress(task: RemediationTaskRecord, ctx: RenderContext): { fixed: number; completed?: number } {
  if (task.completed !== undefined) return { fixed: task.targetDevices, completed: task.completed };
  if (task.fixPerDay <= 0) return { fixed: task.fixedAtSeed };
  const days = Math.max(0, (ctx.now - ctx.anchor) / DAY);
  const fixed = Math.min(task.targetDevices, Math.floor(task.fixedAtSeed + task.fixPerDay * days));
  if (fixed < task.targetDevices) return { fixed };
  return { fixed, completed: ctx.anchor + ((task.targetDevices - task.fixedAtSeed) / task.fixPerDay) * DAY };
}

/** Defender Vulnerability Management remediation task. */
export function renderRemediationTask(task: RemediationTaskRecord, ctx: RenderContext): Json {
  const t = task.recommendation.template;
  const progress = taskProgress(task, ctx);
  const software = t.category === 'Application' || t.remediationType === 'Update' || t.remediationType === 'Uninstall';
  const requesterId = new Rng(streamId(task.requester)).guid();
  return {
    id: task.id,
    title: t.name,
    createdOn: iso(task.created),
    requesterId,
    requesterEmail: task.requester,
    status: progress.completed !== undefined ? 'Completed' : 'Active',
    statusLastModifiedOn: iso(progress.completed ?? task.created),
    description: `${t.name}. Requested from the security recommendation for ${task.targetDevices} exposed device(s).`,
    relatedComponent: t.relatedComponent,
    targetDevices: task.targetDevices,
    rbacGroupNames: [RBAC_GROUPS[0].name],
    fixedDevices: progress.fixed,
    requesterNotes: task.priority === 'High' ? 'Exploited in the wild: please prioritize.' : '',
    dueOn: iso(task.due),
    category: software ? 'Software' : 'Security configuration',
    productivityImpactRemediationType: 'AllExposedAssets',
    priority: task.priority,
    completionMethod: progress.completed !== undefined ? 'Automatic' : null,
    completerId: null,
    completerEmail: null,
    scid: t.id.startsWith('scid-') ? t.id : null,
    type: t.remediationType,
    productId: t.productName ? `${t.vendor}-_-${t.productName}` : null,
    vendorId: t.vendor,
    nameId: t.productName || null,
    recommendedVersion: t.recommendedVersion || null,
    recommendedVendor: null,
    recommendedProgram: null,
  };
}
