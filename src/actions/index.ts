/**
 * Routes an `Action.Execute` click to its verb: the click is parsed with the card contract first (a tampered
 * click runs nothing and is answered 400), then each verb authorizes, runs, records and answers with a card.
 */
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../cards';
import { InvalidCardAction, parseCardAction, type CardAction } from '../cards/verbs';
import type { Services } from '../services';
import type { ConversationRecord } from '../store/conversations';
import { audit } from './audit';
import { clickerOnly, type ClickContext } from './clickContext';
import { ANSWER_WITHIN_MS } from './deadline';
import { decide } from './decide';
import { DeviceNames } from './deviceNames';
import { investigate } from './investigate';
import { requestIsolation, requestRelease } from './requestIsolation';
import { scan } from './scan';
import { showDevice } from './showDevice';
import { rememberCard } from './postedCards';
import { refusalCard } from './statusCards';
import type { ActionTracker } from './tracker';
import { closeResolveForm, openResolveForm, resolveFromForm, takeIncident } from './triageClicks';
import type { Click, ClickOutcome } from './types';

export type { Click, ClickOutcome, PrincipalLookup } from './types';

/** Answers card clicks. */
export class CardRouter {
  private readonly names: DeviceNames;

  constructor(
    private readonly services: Services,
    private readonly tracker: ActionTracker,
  ) {
    this.names = new DeviceNames(services.defender);
  }

  /** Parses, authorizes and runs one click; answers within the invoke budget. */
  async handle(click: Click): Promise<ClickOutcome> {
    const deadline = Date.now() + ANSWER_WITHIN_MS;
    let action: CardAction;
    try {
      action = parseCardAction(click.verb, click.data);
    } catch (error) {
      return this.invalid(click, error);
    }
    try {
      await this.remember(click.conversation);
      const ctx: ClickContext = { services: this.services, tracker: this.tracker, names: this.names, click, deadline };
      const outcome = await this.run(ctx, action);
      if (outcome.kind === 'replaceForAll') await this.keep(click, outcome.card);
      return outcome;
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      this.services.log.error({ err: error, reference, verb: action.verb }, 'card action failed');
      return clickerOnly(
        refusalCard(
          this.services,
          'Something went wrong',
          `The click could not be completed; the details are in the bot log (reference ${reference})`,
          'error',
        ),
      );
    }
  }

  private run(ctx: ClickContext, action: CardAction): Promise<ClickOutcome> {
    switch (action.verb) {
      case 'scan':
        return scan(ctx, action.data);
      case 'investigate':
        return investigate(ctx, action.data);
      case 'requestIsolation':
        return requestIsolation(ctx, action.data);
      case 'requestRelease':
        return requestRelease(ctx, action.data);
      case 'approve':
        return decide(ctx, 'approve', action.data);
      case 'reject':
        return decide(ctx, 'reject', action.data);
      case 'showDevice':
        return showDevice(ctx, action.data);
      case 'assignIncident':
        return takeIncident(ctx, 'assign', action.data);
      case 'takeOverIncident':
        return takeIncident(ctx, 'takeOver', action.data);
      case 'resolveIncidentForm':
        return openResolveForm(ctx, action.data);
      case 'resolveIncident':
        return resolveFromForm(ctx, action.data);
      case 'closeResolveForm':
        return closeResolveForm(ctx, action.data);
    }
  }

  /** The clicked card now shows `card` for everyone: its kept copy follows (or goes, without incident rows). */
  private async keep(click: Click, card: AdaptiveCard): Promise<void> {
    if (!click.cardActivityId) return;
    await rememberCard(this.services, click.conversation.id, click.cardActivityId, card, 'replaced').catch(
      (err: unknown) => this.services.log.warn({ err }, 'could not keep the copy of a changed card'),
    );
  }

  /** A click that fails the card contract: recorded, answered 400, nothing else happens. */
  private async invalid(click: Click, error: unknown): Promise<ClickOutcome> {
    const message = error instanceof InvalidCardAction ? error.message : 'invalid request';
    const verb = typeof click.verb === 'string' && /^[A-Za-z]{1,40}$/.test(click.verb) ? click.verb : 'unreadable verb';
    await audit(this.services, {
      user: click.user,
      action: `click ${verb}`,
      outcome: 'invalid',
      detail: message,
      conversationId: click.conversation.id,
    }).catch((err: unknown) => this.services.log.error({ err }, 'could not write the audit log'));
    return { kind: 'invalid', message };
  }

  /** Keeps the conversation's reference, so the cards of a click can be updated later. */
  private async remember(conversation: ConversationRecord): Promise<void> {
    const { conversations } = this.services.stores;
    if (!(await conversations.get(conversation.id))) await conversations.save(conversation);
  }
}
