/**
 * `show audit`: the latest audit entries (who did or was refused what, on which device or incident) as a table.
 */
import { cardTitle, subtleText, table, textBlock, type AdaptiveCard, type TextBlock, type TextColor } from './elements';
import { formatTime, toDate } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { listBody } from './sections';
import { escapeOr, escapeText } from './text';
import type { AuditEntryView, AuditView, CardContext } from './views';

/** How many entries `show audit` lists. */
export const AUDIT_ROWS = 20;

const OUTCOME_COLORS: Record<string, TextColor> = {
  succeeded: 'Good',
  approved: 'Good',
  requested: 'Accent',
  refused: 'Warning',
  rejected: 'Warning',
  failed: 'Attention',
  unconfirmed: 'Warning',
};

function outcomeCell(entry: AuditEntryView): TextBlock[] {
  const color = OUTCOME_COLORS[entry.outcome.toLowerCase()] ?? 'Default';
  return [
    textBlock(escapeOr(entry.outcome, 'unknown', 30), { color }),
    ...(entry.detail ? [subtleText(escapeText(entry.detail, 120))] : []),
  ];
}

/** The `show audit` card: newest first, at most `AUDIT_ROWS` entries. */
export function auditCard(ctx: CardContext, view: AuditView): AdaptiveCard {
  const entries = [...view.entries].sort((a, b) => (toDate(b.at)?.getTime() ?? 0) - (toDate(a.at)?.getTime() ?? 0));
  return fitCard((maxRows) =>
    adaptiveCard(ctx, [
      cardTitle('Audit log'),
      subtleText(`The latest ${AUDIT_ROWS} actions and refusals, newest first.`, { size: 'Default' }),
      ...listBody(entries, {
        maxRows: Math.min(maxRows, AUDIT_ROWS),
        emptyText: 'Nothing recorded yet.',
        renderRows: (shown) => [
          table(
            ['Time', 'User', 'Action', 'Device or incident', 'Outcome'],
            shown.map((e) => [
              formatTime(e.at, ctx),
              escapeOr(e.user, 'unknown', 100),
              escapeOr(e.action, 'unknown', 40),
              escapeOr(e.deviceName, '—', 60),
              outcomeCell(e),
            ]),
            [3, 2, 2, 3, 2],
          ),
        ],
      }),
    ]),
  );
}
