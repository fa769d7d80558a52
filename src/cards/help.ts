/**
 * `help`: the commands, the incident buttons, this conversation's subscriptions, and what the bot cannot do in the
 * Action center.
 */
import {
  cardTitle,
  fact,
  factSet,
  subtleText,
  textBlock,
  type AdaptiveCard,
  type FactSet,
  type TextBlock,
} from './elements';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { OPEN_ACTION_CENTER, portalButtonRow, section } from './sections';
import { subscriptionFacts } from './subscriptions';
import { escapeText } from './text';
import type { CardContext, ConversationKind, HelpView } from './views';

/** One chat command as the help lists it. */
export interface CommandHelp {
  usage: string;
  description: string;
  /** Shown on the welcome card too. */
  main?: boolean;
}

/** The chat commands (SPEC §2, plus `show audit`). */
export const COMMANDS: readonly CommandHelp[] = [
  { usage: 'help', description: 'the commands, and what this conversation is subscribed to', main: true },
  {
    usage: 'show pending actions',
    description:
      'remediation requests awaiting approval, automated investigations pending approval, machine actions in progress',
    main: true,
  },
  {
    usage: 'show incidents [high|medium|low]',
    description: 'open incidents, newest first, with Assign to me / Take over, Resolve… and Open in Defender',
    main: true,
  },
  { usage: 'show my incidents', description: 'the open incidents assigned to you' },
  {
    usage: 'assign <incident id> to me',
    description: 'assigns that incident to you, as Assign to me does (operators)',
  },
  { usage: 'show devices', description: 'devices with active alerts or high risk, with their buttons', main: true },
  {
    usage: 'scan <device name> [full]',
    description: 'a card for that device with the scan buttons; nothing runs until you click',
    main: true,
  },
  {
    usage: 'secure score',
    description: 'Secure Score, exposure score, Secure Score for Devices, each with its 7-day change',
    main: true,
  },
  {
    usage: 'digest daily|weekly|monthly',
    description: 'posts that digest here now; the scheduled one still comes complete',
  },
  {
    usage: 'subscribe daily|weekly|monthly [at HH:MM]',
    description: 'subscribes this conversation, or changes its time',
  },
  { usage: 'unsubscribe daily|weekly|monthly', description: 'stops that digest here' },
  { usage: 'show audit', description: 'the latest 20 actions and refusals (approvers only)' },
];

/** How to address the bot in this kind of conversation. */
export function howToTalk(conversation: ConversationKind, botName: string): string {
  const name = escapeText(botName, 60) || 'Watchstander';
  return conversation === 'personal'
    ? 'Type a command, e.g. **help**.'
    : `@mention me with a command, e.g. **@${name} help** — in a channel I only see messages that mention me.`;
}

/** A FactSet of commands: usage → what it answers (usage escaped: `<device name>` must not read as a tag). */
export function commandFacts(commands: readonly CommandHelp[]): FactSet {
  return factSet(commands.map((c) => fact(escapeText(c.usage), c.description)));
}

/** The "I didn't understand …" line put above the help card. */
export function hint(text: string): TextBlock {
  return textBlock(`I didn't understand “${escapeText(text, 80)}”. Here is what I can do:`, { color: 'Warning' });
}

/** The help card, with a hint line first when `view.unknownText` is set. */
export function helpCard(ctx: CardContext, view: HelpView): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(ctx, [
      ...(view.unknownText !== undefined ? [hint(view.unknownText)] : []),
      cardTitle('Watchstander commands'),
      subtleText(howToTalk(view.conversation, view.botName), { size: 'Default' }),
      commandFacts(COMMANDS),
      section('Incidents', [
        textBlock(
          'Every incident row has **Assign to me** (or **Take over** when someone has it), **Resolve…** ' +
            '(classification, determination and a comment) and **Open in Defender**. Only security operators can ' +
            'triage; Defender records your name, and the row changes for everyone here.',
        ),
      ]),
      section('Subscriptions of this conversation', [subscriptionFacts(view.subscriptions)]),
      section('Action center', [
        textBlock(
          'Microsoft offers no API to approve or reject the pending actions of automated investigations. ' +
            '**show pending actions** lists them with the time left before they expire (7 days); ' +
            'approve or reject them in the Action center.',
        ),
        portalButtonRow(ctx, { page: 'actionCenterPending' }, OPEN_ACTION_CENTER),
      ]),
    ]),
  );
}
