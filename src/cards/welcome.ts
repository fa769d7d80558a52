/**
 * The welcome card posted when Watchstander is added to a team or chat.
 */
import { cardTitle, textBlock, type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { commandFacts, COMMANDS, howToTalk } from './help';
import { fitCard } from './limits';
import { section } from './sections';
import { subscriptionFacts } from './subscriptions';
import type { CardContext, WelcomeView } from './views';

const WHAT_IT_DOES =
  'I stand the security watch of your Microsoft Defender for Business tenant here: a daily digest of new incidents, ' +
  'alerts and threatened devices, a weekly digest of your scores and top recommendations, a monthly digest of ' +
  'actions, remediation and antivirus health. From the cards you can run an antivirus scan, start an automated ' +
  'investigation or request an isolation, which an approver then approves or rejects.';

/** The welcome card: what Watchstander does, this conversation's subscriptions, how to talk to it. */
export function welcomeCard(ctx: CardContext, view: WelcomeView): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(ctx, [
      cardTitle('Watchstander is on watch'),
      textBlock(WHAT_IT_DOES),
      section('Subscribed digests', [subscriptionFacts(view.subscriptions)]),
      section('How to talk to me', [
        textBlock(howToTalk(view.conversation, view.botName)),
        commandFacts(COMMANDS.filter((c) => c.main)),
      ]),
    ]),
  );
}
