/**
 * The embedded simulated tenant (SPEC §5): Microsoft Graph security and Defender for Endpoint REST APIs on
 * loopback, seeded with a small business that changes over time.
 */
export { startSimulator, simulatorOptionsFromConfig, type RunningSimulator, type SimulatorOptions } from './server';
export {
  SimulatedTenant,
  API_REQUESTOR,
  INVESTIGATIONS_PER_HOUR,
  type IncidentFlowOptions,
  type NewAlertInput,
  type NewIncidentInput,
  type RateLimits,
  type TenantOptions,
} from './tenant';
export type { DeviceRole, SeedFacts } from './seed';
export {
  FAULT_KINDS,
  DEFAULT_RANDOM_FAULTS,
  type FaultKind,
  type FaultRule,
  type FaultSettings,
  type FaultState,
} from './faults';
export type { RequestApi, RequestLogEntry, RequestStats } from './requestLog';
export { DEFAULT_BEHAVIOUR, type ServiceBehaviour } from './behaviour';
export { PAGE_LIMITS, SECURE_SCORE_DAYS } from './routes';
export { optionsFromEnv } from './main';
