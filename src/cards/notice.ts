/**
 * A small card for refusals and short answers: "You are not allowed to run scans…", "Invalid request", …
 */
import { type AdaptiveCard, container, textBlock, type Container } from './elements';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { toneColor, toneStyle } from './styles';
import { escapeText } from './text';
import type { CardContext, NoticeLine, NoticeView } from './views';

const NOTICE_TEXT_LENGTH = 500;

/** A notice as a colored block, for the top of another card. */
export function noticeBlock(notice: NoticeLine): Container {
  return container([textBlock(escapeText(notice.text, NOTICE_TEXT_LENGTH), { color: toneColor(notice.tone) })], {
    style: toneStyle(notice.tone),
  });
}

/** The notice card; its title, text and details are escaped, so they may quote Defender or Teams text. */
export function noticeCard(ctx: CardContext, view: NoticeView): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(ctx, [
      container(
        [
          ...(view.title ? [textBlock(escapeText(view.title), { weight: 'Bolder', color: toneColor(view.tone) })] : []),
          textBlock(escapeText(view.text, NOTICE_TEXT_LENGTH), { spacing: view.title ? 'Small' : 'None' }),
          ...(view.details ?? [])
            .slice(0, 10)
            .map((d) => textBlock(`• ${escapeText(d)}`, { size: 'Small', spacing: 'None' })),
        ],
        { style: toneStyle(view.tone) },
      ),
    ]),
  );
}
