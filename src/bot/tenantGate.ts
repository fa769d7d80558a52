/**
 * The tenant gate: the first thing an authenticated inbound activity meets, before any handler runs (proactive
 * turns, which carry only the stored reference, never pass here). An activity from a
 * tenant the bot does not serve (see `src/tenants.ts`) reads nothing and changes nothing: a message or a click gets
 * one polite sentence, an install gets it once and subscribes nothing, and every refusal is audited.
 *
 * Audit entries of refusals are limited per claimed tenant (`REFUSAL_AUDITS_PER_MINUTE`), so a flood from another
 * organisation cannot fill the audit log; refusals beyond that are still logged.
 */
import { ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../log';
import type { TenantPolicy } from '../tenants';
import { baseConversationId, personOf, tenantFieldsOf } from './activity';

/** The sentence a refused activity gets. */
export const NOT_SERVED =
  'Sorry, Watchstander only works for the organisation that set it up, so it cannot read or do anything here.';

/** Refusals of one claimed tenant written to the audit log per minute (and per instance); the rest are logged. */
export const REFUSAL_AUDITS_PER_MINUTE = 30;

/** How long an install refusal is remembered, so the two activities Teams sends for one install get one sentence. */
const INSTALL_MEMORY_MS = 10 * 60_000;

/** One refused activity, for the audit log. */
export interface TenantRefusal {
  userId: string;
  userName: string;
  /** The tenant the activity claimed, when it named one. */
  tenantId?: string;
  /** What was attempted: `message`, `click <verb>`, `install`, `uninstall`, or the activity type. */
  action: string;
  conversationId?: string;
  /** Why it was refused, in words. */
  reason: string;
}

/** What the gate needs from the rest of the bot. */
export interface TenantGateOptions {
  policy: TenantPolicy;
  /** Writes a refusal to the audit log. */
  audit(refusal: TenantRefusal): Promise<void>;
  log: Logger;
  /** The clock (epoch ms). */
  now?: () => number;
}

/**
 * Stops activities from tenants the bot does not serve. Shaped as botbuilder middleware; installed on the inbound
 * path only (`processInbound`), because adapter middleware would also see proactive continuation turns.
 */
export class TenantGate implements Middleware {
  private readonly audited = new Map<string, number[]>();
  private readonly installsRefused = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: TenantGateOptions) {
    this.now = options.now ?? Date.now;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const verdict = this.options.policy.judge(tenantFieldsOf(context.activity));
    if (verdict.served) return next();
    const activity = context.activity;
    const person = personOf(activity);
    const conversationId = activity.conversation?.id ? baseConversationId(activity.conversation.id) : undefined;
    const refusal: TenantRefusal = {
      userId: person.id,
      userName: person.name,
      tenantId: verdict.tenantId,
      action: actionOf(activity),
      conversationId,
      reason: verdict.reason,
    };
    this.options.log.warn(
      { tenantId: verdict.tenantId, action: refusal.action, conversationId, reason: verdict.reason },
      'refused an activity from a tenant that is not served',
    );
    await this.answer(context, refusal);
    if (this.mayAudit(verdict.tenantId ?? 'unknown')) {
      await this.options
        .audit(refusal)
        .catch((err: unknown) => this.options.log.error({ err }, 'could not write the audit log'));
    }
  }

  /** One polite sentence where someone is waiting for an answer; nothing for other events. */
  private async answer(context: TurnContext, refusal: TenantRefusal): Promise<void> {
    const type = context.activity.type;
    if (type === ActivityTypes.Invoke) {
      await context.sendActivity(invokeMessage(NOT_SERVED));
    } else if (type === ActivityTypes.Message) {
      await context.sendActivity(NOT_SERVED).catch((err: unknown) => this.logSendFailure(err));
    } else if (refusal.action === 'install' && refusal.conversationId && this.firstInstallRefusal(refusal)) {
      await context.sendActivity(NOT_SERVED).catch((err: unknown) => this.logSendFailure(err));
    }
  }

  private logSendFailure(err: unknown): void {
    this.options.log.warn({ err }, 'could not send the refusal sentence');
  }

  private firstInstallRefusal(refusal: TenantRefusal): boolean {
    const now = this.now();
    for (const [id, at] of this.installsRefused) if (at <= now - INSTALL_MEMORY_MS) this.installsRefused.delete(id);
    if (this.installsRefused.has(refusal.conversationId!)) return false;
    this.installsRefused.set(refusal.conversationId!, now);
    return true;
  }

  private mayAudit(tenantId: string): boolean {
    const now = this.now();
    const recent = (this.audited.get(tenantId) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= REFUSAL_AUDITS_PER_MINUTE) {
      this.audited.set(tenantId, recent);
      return false;
    }
    recent.push(now);
    this.audited.set(tenantId, recent);
    if (this.audited.size > 1000) this.forgetIdleTenants(now);
    return true;
  }

  private forgetIdleTenants(now: number): void {
    for (const [tenant, times] of this.audited) {
      if (times.every((t) => t <= now - 60_000)) this.audited.delete(tenant);
    }
  }
}

/** What a refused activity tried to do, as the audit log names it. */
function actionOf(activity: Partial<Activity>): string {
  const botId = activity.recipient?.id;
  switch (activity.type) {
    case ActivityTypes.Message:
      return 'message';
    case ActivityTypes.Invoke: {
      const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
      if (activity.name === 'adaptiveCard/action') {
        return typeof verb === 'string' && /^[A-Za-z]{1,40}$/.test(verb) ? `click ${verb}` : 'click';
      }
      return 'invoke';
    }
    case ActivityTypes.InstallationUpdate:
      return String(activity.action ?? '').startsWith('remove') ? 'uninstall' : 'install';
    case ActivityTypes.ConversationUpdate:
      if ((activity.membersAdded ?? []).some((m) => m.id === botId)) return 'install';
      if ((activity.membersRemoved ?? []).some((m) => m.id === botId)) return 'uninstall';
      return 'conversationUpdate';
    default:
      return String(activity.type ?? 'activity').slice(0, 40);
  }
}

/** An invoke answer that shows `text` to the user as a message (and carries no card). */
function invokeMessage(text: string): Partial<Activity> {
  return {
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  };
}
