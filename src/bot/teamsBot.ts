/**
 * The Teams glue: a teams-ai `Application` on a `TeamsAdapter`, routing activities to the product's handlers.
 *
 * Everything Teams-specific stays in `bot/`; handlers receive and return plain product types.
 */
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CardFactory,
  ConfigurationServiceClientCredentialFactory,
  INVOKE_RESPONSE_KEY,
  MessageFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { ClickOutcome, Click } from '../actions/types';
import type { AdaptiveCard } from '../cards';
import type { CommandRequest, Reply } from '../commands/types';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { ConversationRecord } from '../store/conversations';
import type { Person } from '../store/requests';
import { baseConversationId, commandText, conversationOf, personOf } from './activity';
import { InboundAdapter } from './inbound';
import { principalLookup } from './memberLookup';
import { ReplyRetry } from './replyRetry';
import { SentCards } from './sentCards';

/** What the bot does with each kind of activity. */
export interface BotHandlers {
  /** The bot was added to a conversation; returns the welcome card to post there, or nothing if already welcomed. */
  install(conversation: ConversationRecord, by: Person): Promise<AdaptiveCard | undefined>;
  /** The bot was removed from a conversation. */
  uninstall(conversationId: string): Promise<void>;
  /** Any message: remembers where it came from, so the conversation can subscribe. */
  seen(conversation: ConversationRecord): Promise<void>;
  /** People joined or left a conversation (or its team): what is known of its members is out of date. */
  membersChanged(conversationId: string, teamId?: string): void;
  /** A chat command. */
  command(request: CommandRequest): Promise<Reply>;
  /** An `Action.Execute` click. */
  click(click: Click): Promise<ClickOutcome>;
  /** A card was sent (a reply or a post) and lives at `activityId` now. */
  cardSent(conversationId: string, activityId: string, card: AdaptiveCard): Promise<void>;
}

/** The Bot Framework adapter for the configured identity (empty BOT_ID = local mode, no authentication). */
export function createAdapter(config: Config, log: Logger): InboundAdapter {
  const adapter = new InboundAdapter(
    {},
    new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: config.bot.id,
      MicrosoftAppPassword: config.bot.password,
      MicrosoftAppType: config.bot.type,
      MicrosoftAppTenantId: config.bot.tenantId || undefined,
    }),
  );
  adapter.use(new ReplyRetry(log.child({ part: 'teams' })));
  adapter.onTurnError = async (context, error) => {
    const correlationId = randomUUID();
    log.error({ err: error, correlationId, activityType: context.activity?.type }, 'turn failed');
    const apology = `Something went wrong on my side; the details are in the bot log (correlation id ${correlationId}).`;
    if (context.activity?.type === ActivityTypes.Message) {
      await context.sendActivity(apology).catch(() => {});
    } else if (context.activity?.type === ActivityTypes.Invoke && !context.turnState.get(INVOKE_RESPONSE_KEY)) {
      // Without an invoke response the adapter answers 501; the clicker gets the apology instead.
      await context.sendActivity(invokeMessage(apology)).catch(() => {});
    }
  };
  return adapter;
}

/** Builds the teams-ai application and its routes. */
export function createTeamsApp(adapter: TeamsAdapter, config: Config, log: Logger, handlers: BotHandlers): Application {
  const app = new Application({
    adapter,
    botAppId: config.bot.id,
    removeRecipientMention: true,
    startTypingTimer: false,
  });
  adapter.use(
    new SentCards((conversationId, activityId, card) => handlers.cardSent(conversationId, activityId, card), log),
  );

  const botWasAdded = (context: TurnContext) =>
    (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient?.id);
  const botWasRemoved = (context: TurnContext) =>
    (context.activity.membersRemoved ?? []).some((m) => m.id === context.activity.recipient?.id);

  const install = async (context: TurnContext) => {
    const conversation = conversationOf(context.activity, new Date());
    const welcome = await handlers.install(conversation, personOf(context.activity));
    if (welcome) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(welcome)));
  };

  const membersChanged = (context: TurnContext) => {
    const { team } = (context.activity.channelData ?? {}) as { team?: { id?: string } };
    handlers.membersChanged(baseConversationId(context.activity.conversation.id), team?.id);
  };
  app.conversationUpdate('membersAdded', async (context) => {
    if (botWasAdded(context)) await install(context);
    else membersChanged(context);
  });
  app.conversationUpdate('membersRemoved', async (context) => {
    if (botWasRemoved(context)) await handlers.uninstall(baseConversationId(context.activity.conversation.id));
    else membersChanged(context);
  });
  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = String(context.activity.action ?? '');
    if (action.startsWith('add')) await install(context);
    else if (action.startsWith('remove'))
      await handlers.uninstall(baseConversationId(context.activity.conversation.id));
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const conversation = conversationOf(context.activity, new Date());
    await handlers.seen(conversation);
    const reply = await handlers.command({
      text: commandText(context.activity),
      user: personOf(context.activity),
      conversation,
      principalName: principalLookup(context),
    });
    // A command dropped by the rate limit after its refusal was answered gets no answer at all.
    if (!reply.cards.length && !reply.text) return;
    const activity = reply.cards.length
      ? MessageFactory.carousel(
          reply.cards.map((card) => CardFactory.adaptiveCard(card)),
          reply.text,
        )
      : MessageFactory.text(reply.text ?? '');
    if (reply.cards.length === 1) activity.attachmentLayout = 'list';
    await context.sendActivity(activity);
  });

  const isCardAction = async (context: TurnContext) =>
    context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action';
  app.addRoute(
    isCardAction,
    async (context) => {
      const value = (context.activity.value ?? {}) as { action?: { type?: unknown; verb?: unknown; data?: unknown } };
      const action = value.action;
      const outcome: ClickOutcome =
        !action || typeof action !== 'object' || action.type !== 'Action.Execute'
          ? { kind: 'invalid', message: 'invalid request: not an Action.Execute click' }
          : await handlers.click({
              verb: action.verb,
              data: action.data,
              user: personOf(context.activity),
              conversation: conversationOf(context.activity, new Date()),
              cardActivityId: context.activity.replyToId,
              principalName: principalLookup(context),
            });
      await answerClick(context, outcome, log);
    },
    true,
  );
  // Invokes Watchstander does not handle (message extensions, task modules, sign-in, …) get a 400, not a 501.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke,
    async (context) => {
      await context.sendActivity(invokeError('this app does not handle this kind of invoke'));
    },
    true,
  );
  return app;
}

/** An invoke answer that shows `text` to the user as a message. */
function invokeMessage(text: string): Partial<Activity> {
  return {
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  };
}

/** A 400 invoke answer. */
function invokeError(message: string): Partial<Activity> {
  return {
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 400,
      body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } },
    },
  };
}

async function answerClick(context: TurnContext, outcome: ClickOutcome, log: Logger): Promise<void> {
  if (outcome.kind === 'invalid') {
    await context.sendActivity(invokeError(outcome.message));
    return;
  }
  if (outcome.kind === 'replaceForAll' && context.activity.replyToId) {
    const update = MessageFactory.attachment(CardFactory.adaptiveCard(outcome.card));
    update.id = context.activity.replyToId;
    // The invoke answer below already shows the card to the clicker; others see it through this update.
    await context
      .updateActivity(update)
      .catch((err: unknown) => log.warn({ err }, 'could not replace the card for everyone'));
  }
  // The clicker may see the card with a line for them alone (what their click did).
  const answer = outcome.kind === 'replaceForAll' ? (outcome.clickerCard ?? outcome.card) : outcome.card;
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer },
    },
  });
}
