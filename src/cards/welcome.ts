/**
 * The welcome card posted when Watchstander is added to a team or chat.
 */
import { cardTitle, textBlock, type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { commandFacts, COMMANDS, howToTalk } from './help';
import { fitCard } from './limits';
import { noticeBlock } from './notice';
import { section } from './sections';
import { subscriptionFacts } from './subscriptions';
import type { CardContext, ExternalMembersView, NoticeLine, WelcomeView } from './views';

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
      ...(view.externalMembers ? [noticeBlock(externalMembersNotice(view.externalMembers))] : []),
      textBlock(WHAT_IT_DOES),
      section('Subscribed digests', [subscriptionFacts(view.subscriptions)]),
      section('How to talk to me', [
        textBlock(howToTalk(view.conversation, view.botName)),
        commandFacts(COMMANDS.filter((c) => c.main)),
      ]),
    ]),
  );
}

/** The warning about members of other organisations: who they are, and what happens to the digests. */
export function externalMembersNotice(external: ExternalMembersView): NoticeLine {
  if (!external.known) {
    return {
      tone: 'warning',
      text: external.digestsPosted
        ? 'I could not read the members of this conversation. Digests are posted here even if people of other ' +
          'organisations are members (ALLOW_EXTERNAL_MEMBERS is on).'
        : 'I could not read the members of this conversation. Before each digest I check again that nobody from ' +
          'another organisation would read it; until then digests are not posted here.',
    };
  }
  const who =
    external.count === 1 ? '1 member of this conversation is' : `${external.count} members of this conversation are`;
  const from = external.organisations === 1 ? 'another organisation' : `${external.organisations} other organisations`;
  return {
    tone: 'warning',
    text: external.digestsPosted
      ? `${who} from ${from}: they will see the digests posted here (ALLOW_EXTERNAL_MEMBERS is on).`
      : `${who} from ${from}, so I do not post digests here while ALLOW_EXTERNAL_MEMBERS is off. ` +
        'Commands asked here are still answered here, where every member can read the answers.',
  };
}
