/**
 * Records → the JSON the real services send, for devices, machine actions, investigations and antivirus health,
 * with the helpers every renderer shares. Alerts and incidents are in `renderAlerts.ts`, scores and posture in
 * `renderPosture.ts`. Times are rendered as the services do, with seven fraction digits.
 */
import { nulled } from './behaviour';
import { RBAC_GROUPS } from './catalog';
import { unitHash } from './random';
import { DAY, HOUR, actionStateAt, investigationStateAt, lastSeenAt, riskScoreAt, type ActionState } from './lifecycle';
import type { ActionRecord, DeviceRecord, InvestigationRecord } from './records';

/** A rendered resource. */
export type Json = Record<string, unknown>;

/** What rendering needs besides the record. */
export interface RenderContext {
  tenantId: string;
  seed: number;
  /** The tenant's first instant. */
  anchor: number;
  now: number;
  deviceCount: number;
  /** Fraction of the Nullable fields rendered null (`behaviour.ts`); none when absent. */
  nullRate?: number;
}

/** `value`, or null when the Nullable `field` of record `key` comes back null at the context's rate. */
export function orNull<T>(ctx: RenderContext, key: string, field: string, value: T): T | null {
  return nulled(ctx.nullRate ?? 0, ctx.seed, key, field) ? null : value;
}

/** The portal the links point to. */
export const PORTAL = 'https://security.microsoft.com';

/** ISO 8601 with seven fraction digits, as Graph and Defender write times. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** `iso(ms)`, or null when there is no time. */
export const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : iso(ms));

/** `high` → `High`. */
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Days since the epoch (UTC) of a time. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY);
}

// ---- devices ------------------------------------------------------------------------------------------------

/** Private address of a device, from its place in the estate. */
export function deviceIp(device: DeviceRecord): string {
  return `10.${10 + device.group}.${Math.floor(device.index / 250) % 256}.${(device.index % 250) + 2}`;
}

/** Public address the device was last seen from (documentation range: never a real address). */
export function deviceExternalIp(device: DeviceRecord): string {
  return `203.0.113.${2 + (parseInt(device.id.slice(0, 4), 16) % 248)}`;
}

function deviceMac(device: DeviceRecord): string {
  return device.id.slice(28, 40).toUpperCase();
}

/** Microsoft Entra device id of a joined device. */
export function aadDeviceIdOf(device: DeviceRecord): string | null {
  if (!device.aadJoined) return null;
  const h = device.id;
  const variant = '89ab'[parseInt(h[24], 16) & 3];
  return `${h.slice(8, 16)}-${h.slice(16, 20)}-4${h.slice(21, 24)}-${variant}${h.slice(25, 28)}-${h.slice(0, 12)}`;
}

function agentVersion(device: DeviceRecord): string {
  const os = device.os;
  if (os.osKind === 'windows') return `10.8760.${os.build ?? 0}.1000`;
  return os.osKind === 'mac' ? '101.24032.0007' : '101.24022.0004';
}

function defenderAvStatus(device: DeviceRecord): string {
  const kind = device.os.osKind;
  if (device.onboarding !== 'Onboarded' || kind === 'ios' || kind === 'android') return 'Unknown';
  return device.signatureLagDays > 1 ? 'NotUpdated' : 'Updated';
}

/** The risk score, exposure level and device value a machine shows (each "Nullable Enum" on the machine page). */
function machineRatings(device: DeviceRecord, ctx: RenderContext): Json {
  const onboarded = device.onboarding === 'Onboarded';
  const risk = onboarded ? riskScoreAt(device, ctx.now) : 'None';
  return {
    // A device Defender has not rated may come back without a risk score rather than 'None'.
    riskScore: risk === 'None' ? orNull(ctx, device.id, 'riskScore', risk) : risk,
    exposureLevel: orNull(ctx, device.id, 'exposureLevel', onboarded ? device.exposure : 'None'),
    deviceValue: orNull(ctx, device.id, 'deviceValue', device.value),
  };
}

/** Defender for Endpoint machine. */
export function renderMachine(device: DeviceRecord, ctx: RenderContext): Json {
  const os = device.os;
  const group = RBAC_GROUPS[device.group];
  const mobile = os.osKind === 'ios' || os.osKind === 'android';
  return {
    id: device.id,
    computerDnsName: device.name,
    firstSeen: iso(device.firstSeen),
    lastSeen: iso(lastSeenAt(device, ctx.now)),
    osPlatform: os.platform,
    osVersion: null,
    osProcessor: mobile ? 'arm64' : 'x64',
    version: os.version,
    lastIpAddress: deviceIp(device),
    lastExternalIpAddress: deviceExternalIp(device),
    agentVersion: agentVersion(device),
    osBuild: orNull(ctx, device.id, 'osBuild', os.build),
    healthStatus: device.health,
    rbacGroupId: group.id,
    rbacGroupName: group.name,
    ...machineRatings(device, ctx),
    isAadJoined: device.aadJoined,
    aadDeviceId: aadDeviceIdOf(device),
    machineTags: device.tags,
    defenderAvStatus: defenderAvStatus(device),
    onboardingStatus: device.onboarding,
    osArchitecture: '64-bit',
    managedBy: os.osKind === 'windows' && device.group !== 1 ? 'Intune' : mobile ? 'Intune' : 'MDE',
    managedByStatus: 'Success',
    ipAddresses: [
      {
        ipAddress: deviceIp(device),
        macAddress: deviceMac(device),
        type: mobile ? 'Wireless80211' : 'Ethernet',
        operationalStatus: 'Up',
      },
    ],
    vmMetadata: null,
  };
}

/** The filterable fields of a machine only: `$filter` over 100,000 devices renders this, not the full machine. */
export function machineRow(device: DeviceRecord, ctx: RenderContext): Json {
  return {
    computerDnsName: device.name,
    id: device.id,
    version: device.os.version,
    aadDeviceId: aadDeviceIdOf(device),
    machineTags: device.tags,
    lastSeen: lastSeenAt(device, ctx.now),
    onboardingStatus: device.onboarding,
    lastIpAddress: deviceIp(device),
    healthStatus: device.health,
    osPlatform: device.os.platform,
    rbacGroupId: RBAC_GROUPS[device.group].id,
    ...machineRatings(device, ctx),
  };
}

// ---- actions and investigations -------------------------------------------------------------------------------

const ACTION_TITLES: Readonly<Record<string, string>> = {
  RunAntiVirusScan: 'Run antivirus scan',
  Isolate: 'Isolate device',
  Unisolate: 'Release from isolation',
  CollectInvestigationPackage: 'Collect investigation package',
  RestrictCodeExecution: 'Restrict app execution',
  UnrestrictCodeExecution: 'Remove app restriction',
};

/** Defender for Endpoint machine action, with its status at the render time. */
export function renderAction(action: ActionRecord, ctx: RenderContext): Json {
  const state: ActionState = actionStateAt(action, ctx.now);
  return {
    id: action.id,
    type: action.type,
    title: ACTION_TITLES[action.type] ?? action.type,
    requestor: action.requestor,
    requestorComment: action.comment,
    status: state.status,
    machineId: action.device.id,
    computerDnsName: action.device.name,
    creationDateTimeUtc: iso(action.created),
    lastUpdateDateTimeUtc: iso(state.lastUpdate),
    cancellationRequestor: state.cancelled?.by ?? null,
    cancellationComment: state.cancelled?.comment ?? null,
    cancellationDateTimeUtc: state.cancelled ? iso(state.cancelled.at) : null,
    errorHResult: state.status === 'Failed' ? -2147024809 : 0,
    scope: action.scope,
    externalId: null,
    requestSource: action.requestSource,
    relatedFileInfo: null,
    commands: [],
    troubleshootInfo: null,
  };
}

/** Defender for Endpoint automated investigation, with its state at the render time. */
export function renderInvestigation(inv: InvestigationRecord, ctx: RenderContext): Json {
  const state = investigationStateAt(inv, ctx.now);
  return {
    id: String(inv.id),
    startTime: iso(inv.start),
    endTime: isoOrNull(state.endTime),
    cancelledBy: state.state === 'TerminatedByUser' ? (inv.cancelledBy ?? null) : null,
    state: state.state,
    statusDetails: state.statusDetails,
    machineId: inv.device.id,
    computerDnsName: inv.device.name,
    triggeringAlertId: inv.alert?.id ?? null,
  };
}

// ---- antivirus health ---------------------------------------------------------------------------------------

/** Does the device appear in the antivirus health report. */
export function hasAvInfo(device: DeviceRecord): boolean {
  const kind = device.os.osKind;
  return device.onboarding !== 'CanBeOnboarded' && (kind === 'windows' || kind === 'mac' || kind === 'linux');
}

function signatureVersion(day: number): string {
  return `1.${411 + (Math.floor(day / 120) % 60)}.${100 + ((day * 3) % 900)}.0`;
}

/**
 * One row of the antivirus health report. The report has a row per unique combination of device, AV mode,
 * up-to-date status and scan results (docs/service-behaviour.md §12): a device that changed lately also keeps the row of
 * its earlier state (`earlier`), as seen three days before, with its signatures behind.
 */
export interface AvInfoRow {
  device: DeviceRecord;
  earlier: boolean;
}

/** Share of the devices whose report still holds a row of an earlier state. */
const EARLIER_ROW_SHARE = 0.12;
const EARLIER_ROW_STREAM = 0x61766f6c;

/** The report's rows: each device's current row, and for some an earlier one right after it. */
export function avInfoRows(devices: readonly DeviceRecord[], ctx: RenderContext): AvInfoRow[] {
  const rows: AvInfoRow[] = [];
  for (const device of devices) {
    rows.push({ device, earlier: false });
    if (unitHash(ctx.seed, device.index, EARLIER_ROW_STREAM) < EARLIER_ROW_SHARE) rows.push({ device, earlier: true });
  }
  return rows;
}

/** Antivirus health of one device (`deviceavinfo`); booleans as `"True"`/`"False"`, as the service sends. */
export function renderDeviceAvInfo(device: DeviceRecord, ctx: RenderContext, earlier = false): Json {
  const shift = earlier ? 3 * DAY : 0;
  const lastSeen = lastSeenAt(device, ctx.now) - shift;
  const silentDays = device.silentSince !== undefined ? Math.floor((ctx.now - device.silentSince) / DAY) : 0;
  const lag = Math.max(device.signatureLagDays, silentDays) + (earlier ? 4 : 0);
  const today = dayNumber(ctx.now - shift);
  const group = RBAC_GROUPS[device.group];
  let quickScanTime = lastSeen - device.quickScanHoursAgo * HOUR;
  let fullScanTime = lastSeen - device.fullScanDaysAgo * DAY;
  let quickFailed = device.quickScanFailed;
  let fullFailed = device.fullScanFailed;
  for (const action of device.actions ?? []) {
    if (action.type !== 'RunAntiVirusScan') continue;
    const state = actionStateAt(action, ctx.now);
    if (state.status !== 'Succeeded' && state.status !== 'Failed') continue;
    if (earlier && state.lastUpdate > lastSeen) continue; // after the snapshot of an earlier row
    if (action.scope === 'Full' && state.lastUpdate > fullScanTime) {
      fullScanTime = state.lastUpdate;
      fullFailed = state.status === 'Failed';
    } else if (action.scope !== 'Full' && state.lastUpdate > quickScanTime) {
      quickScanTime = state.lastUpdate;
      quickFailed = state.status === 'Failed';
    }
  }
  const upToDate = lag <= 1;
  return {
    id: device.id,
    machineId: device.id,
    computerDnsName: device.name,
    osKind: device.os.osKind,
    osPlatform: device.os.platform,
    osVersion: device.os.osVersion,
    avMode: device.avMode,
    avSignatureVersion: signatureVersion(today - lag),
    avEngineVersion: lag > 30 ? '1.1.24010.10' : '1.1.24030.4',
    avPlatformVersion: lag > 30 ? '4.18.23110.3' : '4.18.24030.9',
    lastSeenTime: iso(lastSeen),
    quickScanResult: quickFailed ? 'Failed' : 'Completed',
    quickScanError: quickFailed ? '0x80508023' : '',
    quickScanTime: iso(quickScanTime),
    fullScanResult: fullFailed ? 'Failed' : 'Completed',
    fullScanError: fullFailed ? '0x80508019' : '',
    // The report's own example shows a null full-scan time (a device never fully scanned).
    fullScanTime: orNull(ctx, device.id, 'fullScanTime', iso(fullScanTime)),
    dataRefreshTimestamp: iso(Math.floor(ctx.now / (6 * HOUR)) * 6 * HOUR),
    avEngineUpdateTime: iso(lastSeen - Math.max(lag, 3) * DAY),
    avSignatureUpdateTime: iso(lastSeen - lag * DAY - 2 * HOUR),
    avPlatformUpdateTime: iso(lastSeen - Math.max(lag, 12) * DAY),
    avIsSignatureUpToDate: upToDate ? 'True' : 'False',
    avIsEngineUpToDate: lag > 30 ? 'False' : 'True',
    avIsPlatformUpToDate: orNull(ctx, device.id, 'avIsPlatformUpToDate', lag > 30 ? 'False' : 'True') ?? 'Unknown',
    avSignaturePublishTime: iso((today - lag) * DAY + 3 * HOUR),
    rbacGroupName: group.name,
    rbacGroupId: String(group.id),
  };
}
