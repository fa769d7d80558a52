/**
 * Replies Teams refused for a moment are sent again: 412, 429, 502 and 504 are Teams' "retry later" answers.
 *
 * The connector's own pipeline already retries 429 (honouring `Retry-After`) and 5xx a few times; this adds 412 and
 * a last few spaced attempts for the rest, within a bound that keeps the turn shorter than Teams' own timeout.
 * Proactive posts have their own retries and rate limits (`ProactiveMessenger`), and an invoke answer must not
 * wait, so only replies to messages and installs are retried here.
 */
import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../log';
import { RETRIABLE_TEAMS_STATUSES, teamsRetryDelayMs, teamsStatusOf } from './teamsRetry';

/** Options of `ReplyRetry`. */
export interface ReplyRetryOptions {
  /** Attempts of one send, the first included. Default 4. */
  maxAttempts?: number;
  /** First wait without `Retry-After`; doubled each attempt, with jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Longest single wait, `Retry-After` included. Default 5 s. */
  maxDelayMs?: number;
}

const RETRIED_TURNS = new Set<string>([
  ActivityTypes.Message,
  ActivityTypes.ConversationUpdate,
  ActivityTypes.InstallationUpdate,
]);

/** Adapter middleware that retries the replies of a turn on 412/429/502/504. */
export class ReplyRetry implements Middleware {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly log: Logger,
    options: ReplyRetryOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (RETRIED_TURNS.has(context.activity.type)) {
      context.onSendActivities(async (_ctx, activities, send) => {
        // A typing indicator is not worth waiting for.
        if (activities.every((a) => a.type === ActivityTypes.Typing)) return send();
        for (let attempt = 1; ; attempt++) {
          try {
            return await send();
          } catch (error) {
            const status = teamsStatusOf(error);
            const retriable = status !== undefined && RETRIABLE_TEAMS_STATUSES.has(status);
            if (!retriable || attempt >= this.maxAttempts) throw error;
            const delayMs = teamsRetryDelayMs(error, attempt, this.baseDelayMs, this.maxDelayMs);
            this.log.warn(
              { status, attempt, delayMs, activityType: context.activity.type },
              'Teams refused a reply for now; retrying',
            );
            await new Promise((resolve) => setTimeout(resolve, delayMs));
          }
        }
      });
    }
    await next();
  }
}
