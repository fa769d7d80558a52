/**
 * Recommendations, remediation tasks, antivirus health and the Secure Score history as the weekly and monthly
 * digests show them.
 */
import type { AvHealthView, RecommendationView, RemediationTaskView, ScorePoint } from '../cards';
import type { DeviceAvInfo, Recommendation, RemediationTask, SecureScore } from '../defender/models';

/** Maps a Defender security recommendation into a card row. */
export function toRecommendationView(recommendation: Recommendation): RecommendationView {
  return {
    id: recommendation.id,
    name: recommendation.recommendationName || recommendation.id,
    category: recommendation.recommendationCategory,
    configScoreImpact: recommendation.configScoreImpact,
    exposureImpact: recommendation.exposureImpact,
    exposedMachines: recommendation.exposedMachinesCount,
    totalMachines: recommendation.totalMachineCount,
    publicExploit: recommendation.publicExploit,
    activeAlert: recommendation.activeAlert,
    associatedThreats: recommendation.associatedThreats.length,
  };
}

/** Maps a remediation task into a card row. */
export function toRemediationTaskView(task: RemediationTask): RemediationTaskView {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    createdAt: task.createdOn,
    dueOn: task.dueOn,
    targetDevices: task.targetDevices,
    fixedDevices: task.fixedDevices,
  };
}

/** Maps one device's antivirus health into a card row. */
export function toAvHealthView(info: DeviceAvInfo): AvHealthView {
  const scans = [info.quickScanTime, info.fullScanTime].filter((t): t is string => !!t).sort();
  return {
    deviceId: info.machineId,
    deviceName: info.computerDnsName || info.machineId,
    signatureUpToDate: info.avIsSignatureUpToDate,
    quickScanResult: info.quickScanResult,
    fullScanResult: info.fullScanResult,
    lastScanAt: scans.at(-1),
  };
}

/** The Secure Score history as chart points, oldest first. */
export function toScorePoints(history: readonly SecureScore[]): ScorePoint[] {
  return [...history]
    .sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime))
    .map((s) => ({ date: s.createdDateTime, current: s.currentScore, max: s.maxScore }));
}
