/**
 * What the product asks of Microsoft Graph security and Defender for Endpoint, as one typed interface.
 *
 * `DefenderClient` implements it over HTTP for both the live services and the simulated tenant; nothing else in
 * the product talks to those APIs.
 */
import type {
  DeviceAvInfo,
  GraphAlert,
  Incident,
  Investigation,
  Machine,
  MachineAction,
  MdeAlert,
  Recommendation,
  RemediationTask,
  ScoreNow,
  SecureScore,
  SecureScoreControlProfile,
  Severity,
} from './models';
import type { IncidentChange, IncidentComment } from './incidentTriage';

/** Which of the two APIs a request goes to. */
export type ApiName = 'graph' | 'defender';

/** Options of a list call: an OData `$filter` the caller built with `odata` helpers, and a cap on items. */
export interface ListOptions {
  /** OData `$filter` expression. */
  filter?: string;
  /** Stop after this many items (the client still asks for the largest page the API allows). */
  limit?: number;
}

/** Options of `listIncidents`. */
export interface IncidentQuery {
  /** Only incidents whose `lastUpdateDateTime` is at or after this time. */
  updatedSince?: Date;
  /** Only incidents of this severity. */
  severity?: Severity;
  /** Only open incidents: active, in progress or awaiting action (never resolved, never merged away). */
  openOnly?: boolean;
  /**
   * Include the incident's alerts (`$expand=alerts`; with a filter, read from `alerts_v2` instead when Graph answers
   * 500 to that, see docs/service-behaviour.md §5).
   */
  expandAlerts?: boolean;
  /** Stop after this many incidents. */
  limit?: number;
}

/** Scan depth of `runAntiVirusScan`. */
export type ScanType = 'Quick' | 'Full';
/** Isolation kind of `isolate`. */
export type IsolationType = 'Full' | 'Selective';

/** A page-at-a-time read of a list endpoint, so large tenants can be streamed instead of held. */
export type PageStream<T> = AsyncIterable<T[]>;

/** The Graph security and Defender for Endpoint operations Watchstander uses. */
export interface DefenderApi {
  // Graph security v1.0
  listIncidents(query?: IncidentQuery): Promise<Incident[]>;
  streamIncidents(query?: IncidentQuery): PageStream<Incident>;
  listAlertsV2(options?: ListOptions & { createdSince?: Date }): Promise<GraphAlert[]>;
  streamAlertsV2(options?: ListOptions & { createdSince?: Date }): PageStream<GraphAlert>;
  getIncident(id: string, options?: { expandAlerts?: boolean }): Promise<Incident>;
  listIncidentsAssignedTo(assignee: string, options?: { limit?: number }): Promise<Incident[]>;
  updateIncident(id: string, change: IncidentChange): Promise<Incident>;
  addIncidentComment(id: string, comment: string): Promise<IncidentComment[]>;
  listSecureScores(days: number): Promise<SecureScore[]>;
  listSecureScoreControlProfiles(options?: ListOptions): Promise<SecureScoreControlProfile[]>;

  // Defender for Endpoint: devices and alerts
  listMachines(options?: ListOptions): Promise<Machine[]>;
  streamMachines(options?: ListOptions): PageStream<Machine>;
  getMachine(id: string): Promise<Machine>;
  listMachineAlerts(machineId: string): Promise<MdeAlert[]>;
  listAlerts(options?: ListOptions): Promise<MdeAlert[]>;
  streamAlerts(options?: ListOptions): PageStream<MdeAlert>;

  // Defender for Endpoint: actions and investigations
  listMachineActions(options?: ListOptions): Promise<MachineAction[]>;
  streamMachineActions(options?: ListOptions): PageStream<MachineAction>;
  getMachineAction(id: string): Promise<MachineAction>;
  runAntiVirusScan(machineId: string, comment: string, scanType: ScanType): Promise<MachineAction>;
  startInvestigation(machineId: string, comment: string): Promise<Investigation>;
  isolate(machineId: string, comment: string, isolationType: IsolationType): Promise<MachineAction>;
  unisolate(machineId: string, comment: string): Promise<MachineAction>;
  listInvestigations(options?: ListOptions): Promise<Investigation[]>;
  getInvestigation(id: string): Promise<Investigation>;

  // Defender for Endpoint: posture
  getExposureScore(): Promise<ScoreNow>;
  getConfigurationScore(): Promise<ScoreNow>;
  listRecommendations(options?: ListOptions): Promise<Recommendation[]>;
  listRemediationTasks(options?: ListOptions): Promise<RemediationTask[]>;
  listDeviceAvInfo(options?: ListOptions): Promise<DeviceAvInfo[]>;
  streamDeviceAvInfo(options?: ListOptions): PageStream<DeviceAvInfo>;
}
