/**
 * Writes the audit log: every click (allowed, refused, duplicate, invalid), every Defender request and result,
 * every approval decision — who, when, which device or incident, what came of it.
 */
import type { Services } from '../services';
import type { AuditOutcome } from '../store/audit';
import type { Person } from '../store/requests';

/** The system itself (expiry, a restart), when no Teams user acted. */
export const SYSTEM: Person = { id: 'system', name: 'Watchstander' };

/** One fact for the audit log. */
export interface AuditFact {
  user: Person;
  /** What was attempted: a click ("scan"), a Defender call ("runAntiVirusScan"), a decision ("approve"). */
  action: string;
  device?: { id: string; name?: string };
  /** The incident a triage click or command was about. */
  incident?: { id: string; title?: string };
  outcome: AuditOutcome;
  detail?: string;
  conversationId?: string;
}

/** Records a fact; throws when the store cannot (a click is then not carried out). */
export async function audit(services: Services, fact: AuditFact): Promise<void> {
  await services.stores.audit.record({
    at: services.now().toISOString(),
    userId: fact.user.id,
    userTenantId: fact.user.tenantId,
    userName: fact.user.name,
    action: fact.action,
    deviceId: fact.device?.id,
    deviceName: fact.device?.name,
    ...(fact.incident ? { incidentId: fact.incident.id, incidentTitle: fact.incident.title?.slice(0, 200) } : {}),
    outcome: fact.outcome,
    detail: fact.detail?.slice(0, 500),
    conversationId: fact.conversationId,
  });
}

/** Records a fact from background work, where nobody waits for it: a failure is logged. */
export async function auditLater(services: Services, fact: AuditFact): Promise<void> {
  await audit(services, fact).catch((err: unknown) =>
    services.log.error({ err, action: fact.action, outcome: fact.outcome }, 'could not write the audit log'),
  );
}
