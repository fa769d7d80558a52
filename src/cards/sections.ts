/**
 * The layout pieces cards share: titled sections, sections whose API failed, cut lists and list rows.
 */
import {
  actionSet,
  column,
  columnSet,
  container,
  openUrl,
  subtleText,
  textBlock,
  type CardButton,
  type ActionSet,
  type CardElement,
  type ColumnSet,
  type Container,
  type OpenUrlAction,
  type TextBlock,
} from './elements';
import { fitList } from './limits';
import { portalLink, type PortalPage } from './links';
import { escapeText } from './text';
import { isIncomplete, isUnavailable, type CardContext, type PartialSection, type Section } from './views';

/** Title of the button that opens a Defender portal page. */
export const OPEN_IN_DEFENDER = 'Open in Defender';

/** Title of the button that opens the Action center. */
export const OPEN_ACTION_CENTER = 'Open Action center';

/** A button to a Defender portal page, titled "Open in Defender" unless told otherwise. */
export function portalButton(
  ctx: Pick<CardContext, 'portalUrl'>,
  page: PortalPage,
  title: string = OPEN_IN_DEFENDER,
): OpenUrlAction {
  return openUrl(title, portalLink(ctx, page));
}

/** A row holding one portal button. */
export function portalButtonRow(ctx: Pick<CardContext, 'portalUrl'>, page: PortalPage, title?: string): ActionSet {
  return actionSet([portalButton(ctx, page, title)]);
}

/** A titled block of a card, set apart from what comes before. */
export function section(title: string, items: CardElement[]): Container {
  return container([textBlock(title, { weight: 'Bolder', size: 'Medium' }), ...items], {
    separator: true,
    spacing: 'Medium',
  });
}

/** The line that stands for a section whose API failed. */
export function unavailableLine(reason: string): TextBlock {
  return textBlock(`Section unavailable: ${escapeText(reason)}`, { color: 'Warning' });
}

/** The line over a list read only in part: what is shown is not the whole list. */
export function incompleteLine(reason: string): TextBlock {
  const why = escapeText(reason.trim().replace(/\.+$/, ''));
  return textBlock(`Incomplete list: ${why}. Showing what could be read.`, { color: 'Warning' });
}

/** Transforms a section's data once (sorting, counting), keeping an unavailable section as it is. */
export function mapSection<T, U>(data: Section<T>, transform: (data: T) => U): Section<U> {
  return isUnavailable(data) ? data : transform(data);
}

/** Transforms a list section's data, whole or partial, keeping an unavailable one as it is. */
export function mapPartial<T, U>(data: PartialSection<T>, transform: (data: T) => U): PartialSection<U> {
  if (isUnavailable(data)) return data;
  return isIncomplete(data) ? { partial: transform(data.partial), incomplete: data.incomplete } : transform(data);
}

/**
 * A section over data that may be unavailable or incomplete; `count` adds "(n)" to the title when the data is there
 * ("(n+)" when only part of it could be read).
 */
export function sectionOf<T>(
  title: string,
  data: PartialSection<T>,
  render: (data: T) => CardElement[],
  count?: (data: T) => number,
): Container {
  if (isUnavailable(data)) return section(title, [unavailableLine(data.unavailable)]);
  if (isIncomplete(data)) {
    const shown = count ? `${title} (${count(data.partial).toLocaleString('en-US')}+)` : title;
    return section(shown, [incompleteLine(data.incomplete), ...render(data.partial)]);
  }
  return section(count ? `${title} (${count(data).toLocaleString('en-US')})` : title, render(data));
}

/** "and N more" under a cut list, with a button to the full list in the portal when there is one. */
export function moreLine(hidden: number, moreUrl?: string): CardElement[] {
  const line = subtleText(`… and ${hidden.toLocaleString('en-US')} more`, { size: 'Default', spacing: 'Small' });
  return moreUrl ? [line, actionSet([openUrl(OPEN_IN_DEFENDER, moreUrl)], { spacing: 'Small' })] : [line];
}

/** The line of an empty list or section: "none", or a sentence. */
export function noneLine(text = 'none'): TextBlock {
  return subtleText(text, { size: 'Default' });
}

/** How to render a list that may be cut. */
export interface ListOptions<T> {
  /** Most rows to show (from `fitCard`, capped by the list's own preference). */
  maxRows: number;
  /** Total number of items when `items` is already a cut of them. */
  total?: number;
  /** Renders the rows that are shown. */
  renderRows: (shown: T[]) => CardElement[];
  /** Portal page with the full list, for the "and N more" line. */
  moreUrl?: string;
  /** What an empty list says; "none" by default. */
  emptyText?: string;
}

/** A list's elements: its rows, "none" when empty, and "and N more" (+ Open in Defender) when cut. */
export function listBody<T>(items: readonly T[], options: ListOptions<T>): CardElement[] {
  const total = options.total ?? items.length;
  if (total === 0) return [noneLine(options.emptyText)];
  const { shown, hidden } = fitList(items, options.maxRows, total);
  return [
    ...(shown.length > 0 ? options.renderRows(shown) : []),
    ...(hidden > 0 ? moreLine(hidden, options.moreUrl) : []),
  ];
}

/** One row of a list: an optional badge, lines of text, and buttons on the right. */
export function listRow(lines: CardElement[], options: { badge?: TextBlock; buttons?: CardButton[] } = {}): ColumnSet {
  return columnSet(
    [
      ...(options.badge ? [column([options.badge], 'auto')] : []),
      column(lines, 'stretch'),
      ...(options.buttons?.length
        ? [column([actionSet(options.buttons)], 'auto', { verticalContentAlignment: 'Center' })]
        : []),
    ],
    { separator: true, spacing: 'Small' },
  );
}

/** A colored, bold word in front of a row, e.g. "HIGH". */
export function badge(text: string, color: TextBlock['color']): TextBlock {
  return textBlock(text, { weight: 'Bolder', color, size: 'Small' });
}
