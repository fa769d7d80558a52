/**
 * The one escaping function for text that comes from Defender or Teams (device names, titles, user names, …).
 *
 * Adaptive Card TextBlocks and FactSet values render a Markdown subset, and Teams turns URLs, domains and
 * `<at>` tags into links and mentions. `escapeText` makes such text inert: it strips control and invisible
 * formatting characters, truncates it, backslash-escapes Markdown emphasis, and breaks every link, image, mention,
 * tag, entity and autolink sequence with an invisible U+2060 WORD JOINER, so the text still reads the same (and,
 * unlike a zero-width space, never offers a line break inside "(Quick)").
 */

/** U+2060 WORD JOINER: invisible, no line break, and breaks every Markdown and autolink pattern it is put into. */
export const WORD_JOINER = '\u2060';

/** Default maximum length, in characters, of one escaped field. */
export const MAX_TEXT_LENGTH = 200;

const ZW = WORD_JOINER;

// Line breaks become spaces so words stay apart; the rest of C0/C1, soft hyphen, zero-width and bidi controls go.
const LINE_BREAKS = /[\r\n\t\f\v\u2028\u2029]+/g;
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/** Rewrites applied in order; each keeps the visible text and only breaks a pattern a renderer would act on. */
const NEUTRALIZERS: readonly [RegExp, string][] = [
  // A backslash before ASCII punctuation is itself an escape: double it so input cannot undo ours.
  [/\\(?=[!-/:-@[-`{-~])/g, '\\\\'],
  // Emphasis, strike-through and code markers.
  [/[*_~`]/g, '\\$&'],
  // Block syntax at the start of the text: headings, quotes, list items.
  [/^([#>+=|-])/, '\\$1'],
  [/^(\d+)([.)])/, '$1\\$2'],
  // Images and links: `![x](y)`, `[x](y)`, `[x][ref]`.
  [/!(?=\[)/g, `!${ZW}`],
  [/[[\]()]/g, `$&${ZW}`],
  // HTML-ish tags, `<at>` mentions and `<http://…>` autolinks.
  [/</g, `<${ZW}`],
  // Character references such as `&lt;at&gt;`.
  [/&(?=#?[0-9a-z]+;)/gi, `&${ZW}`],
  // URLs and the schemes Teams or a linkifier would act on.
  [/:\/\//g, `:${ZW}//`],
  [/\b(mailto|tel|sms|callto|sip|sips|im|skype|msteams|javascript|vbscript|data|file)(?=:)/gi, `$1${ZW}`],
  [/\b(www)\./gi, `$1${ZW}.`],
  // Bare domains and e-mail addresses (`evil.example`, `a@b.co`): break the dot before the next label.
  [/(?<=[a-z0-9])\.(?=[a-z][a-z0-9-])/gi, `.${ZW}`],
  // Adaptive Card `{{DATE(…)}}` functions and template expressions.
  [/\{(?=\{)/g, `{${ZW}`],
  [/\$(?=\{)/g, `$${ZW}`],
];

/** Cuts `text` to at most `maxLength` characters (code points), ending with "…" when it was cut. */
export function truncate(text: string, maxLength: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  return `${chars
    .slice(0, Math.max(0, maxLength - 1))
    .join('')
    .trimEnd()}…`;
}

/** Makes Defender or Teams text safe to put in a card: never a link, image, mention or formatting. */
export function escapeText(value: string | null | undefined, maxLength: number = MAX_TEXT_LENGTH): string {
  if (value === null || value === undefined) return '';
  const clean = String(value).replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
  let text = truncate(clean, maxLength);
  for (const [pattern, replacement] of NEUTRALIZERS) text = text.replace(pattern, replacement);
  return text;
}

/** Escapes `value`, or returns `fallback` (our own text) when it is empty. */
export function escapeOr(value: string | null | undefined, fallback: string, maxLength?: number): string {
  const text = escapeText(value, maxLength);
  return text === '' ? fallback : text;
}
