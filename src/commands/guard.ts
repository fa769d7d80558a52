/**
 * What a chat command meets before it runs: the command rate of the person and of the conversation, then, for a
 * command that reads Defender, whether chat may call Defender now. A refusal is a short card that says when to try
 * again; commands sent while a refusal stands get no answer at all (see `src/quota/commandLimits.ts`).
 */
import { noticeCard } from '../cards';
import type { ApiName } from '../defender/api';
import type { Allowance } from '../quota/budget';
import type { CommandLimits } from '../quota/commandLimits';
import { chatShareSpent, inTime, QuotaReservedError } from '../quota/reserved';
import { cardContext, type Services } from '../services';
import { parseCommand, type Command } from './parse';
import type { CommandRequest, Reply } from './types';

/** The APIs each command reads; a command not listed (a new one) is taken to read both. */
const READS: Partial<Record<Command['name'], readonly ApiName[]>> = {
  help: [],
  subscribe: [],
  unsubscribe: [],
  audit: [],
  unknown: [],
  pendingActions: ['defender'],
  devices: ['defender'],
  scan: ['defender'],
  incidents: ['graph'],
};

/** A reply that sends nothing. */
export const NO_REPLY: Reply = { cards: [] };

/** Where chat reads ask whether they may go. */
export interface ChatQuota {
  chatAllowance(api: ApiName): Allowance;
}

/** Rate limits and the chat share of the Defender quota, checked before a command runs. */
export class CommandGuard {
  constructor(
    private readonly services: Services,
    private readonly limits: CommandLimits,
    private readonly quota: ChatQuota,
  ) {}

  /** Undefined when the command may run; otherwise the answer to send instead (possibly `NO_REPLY`). */
  check(request: CommandRequest): Reply | undefined {
    const { user, conversation } = request;
    const admission = this.limits.admit(`${user.tenantId ?? ''}/${user.id.toLowerCase()}`, conversation.id);
    const now = this.services.now().getTime();
    if (!admission.ok) {
      this.services.log.info(
        { limit: admission.limit, conversationId: conversation.id, answered: admission.answer },
        'command refused: rate limit',
      );
      if (!admission.answer) return NO_REPLY;
      const seconds = Math.max(1, Math.ceil((admission.retryAt - now) / 1000));
      const who = admission.limit === 'person' ? 'You have' : 'This conversation has';
      const text =
        `${who} sent ${admission.rate.max} commands in the last ${admission.rate.windowMs / 1000} seconds, ` +
        `the most I take; try again ${inTime(seconds)}.`;
      return this.notice('Too many commands', text);
    }
    for (const api of READS[parseCommand(request.text).name] ?? (['graph', 'defender'] as const)) {
      const allowance = this.quota.chatAllowance(api);
      if (allowance.ok) continue;
      const refusal = new QuotaReservedError({
        api,
        operation: 'command',
        retryAt: allowance.retryAt,
        now,
        why: chatShareSpent(allowance),
        reservedForWatch: true,
      });
      this.services.log.info({ api, used: allowance.used, conversationId: conversation.id }, 'command refused: quota');
      return this.notice('Please wait', refusal.readableMessage());
    }
    return undefined;
  }

  private notice(title: string, text: string): Reply {
    return { cards: [noticeCard(cardContext(this.services), { tone: 'warning', title, text })] };
  }
}
