/**
 * `show audit`: the latest 20 entries of the audit log, for approvers only.
 */
import { auditCard } from '../cards';
import { AUDIT_ROWS } from '../cards/audit';
import { isAllowed } from '../config';
import { audit } from '../actions/audit';
import { AUDIT_APPROVERS_ONLY } from '../actions/refusals';
import { refusalCard } from '../actions/statusCards';
import { cardContext, type Services } from '../services';
import type { CommandRequest, Reply } from './types';

/** The audit card, or a refusal (itself recorded) for someone who is not an approver. */
export async function auditLog(services: Services, request: CommandRequest): Promise<Reply> {
  const { user, conversation } = request;
  if (!isAllowed(services.config.approvers, user)) {
    await audit(services, {
      user,
      action: 'show audit',
      outcome: 'refused',
      detail: 'not in SECURITY_APPROVERS',
      conversationId: conversation.id,
    });
    return { cards: [refusalCard(services, 'Not allowed', AUDIT_APPROVERS_ONLY)] };
  }
  const entries = await services.stores.audit.recent(AUDIT_ROWS);
  const home = services.config.tenants.home;
  // Someone of another tenant (served or refused) is named with their tenant: an object id alone is not a person.
  const who = (name: string, tenantId?: string) =>
    home && tenantId && tenantId.toLowerCase() !== home ? `${name} (tenant ${tenantId})` : name;
  return {
    cards: [
      auditCard(cardContext(services), {
        entries: entries.map((e) => ({
          at: e.at,
          user: who(e.userName, e.userTenantId),
          action: e.action,
          deviceName: e.deviceName ?? e.deviceId ?? (e.incidentId ? `Incident ${e.incidentId}` : undefined),
          outcome: e.outcome,
          detail: e.detail,
        })),
      }),
    ],
  };
}
