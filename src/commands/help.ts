/**
 * `help`, and the answer to text the bot does not understand.
 */
import { helpCard } from '../cards';
import { cardContext, type Services } from '../services';
import { subscriptionViews } from './subscriptionViews';
import type { CommandRequest, Reply } from './types';

/** The bot's display name in cards. */
export const BOT_NAME = 'Watchstander';

/** The help card; with `unknownText`, a hint line above it. */
export async function help(services: Services, request: CommandRequest, unknownText?: string): Promise<Reply> {
  const card = helpCard(cardContext(services), {
    conversation: request.conversation.type,
    botName: BOT_NAME,
    subscriptions: await subscriptionViews(services, request.conversation.id),
    unknownText,
  });
  return { cards: [card] };
}
