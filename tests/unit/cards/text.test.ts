import { escapeText, truncate, WORD_JOINER } from '../../../src/cards/text';
import { HOSTILE_TEXT } from '../../helpers/cardFixtures';

/** What a reader sees: zero-width spaces are invisible and backslash escapes disappear. */
function visible(text: string): string {
  return text
    .split(WORD_JOINER)
    .join('')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

const FORBIDDEN = ['](', '![', '<at', '</', '://', 'www.', 'mailto:', '**', '&lt;', '{{'];

describe('escapeText', () => {
  it.each([
    ['a markdown link', '[link](http://evil)'],
    ['a markdown image', '![img](http://x)'],
    ['a mention', '<at>Boss</at>'],
    ['an https URL', 'https://evil.example/path?q=1'],
    ['a www address', 'visit www.evil.com now'],
    ['a mailto link', 'mailto:a@evil.com'],
    ['bold text', '**bold**'],
    ['an HTML tag', '<img src=x onerror=alert(1)>'],
    ['an entity-encoded mention', '&lt;at&gt;Boss&lt;/at&gt;'],
    ['an Adaptive Card date function', '{{DATE(2024-05-06T08:00:00Z, SHORT)}}'],
    ['everything at once', HOSTILE_TEXT],
  ])('makes %s inert and keeps it readable', (_what, input) => {
    const escaped = escapeText(input);
    for (const sequence of FORBIDDEN) expect(escaped.toLowerCase()).not.toContain(sequence);
    expect(visible(escaped)).toBe(input);
  });

  it('breaks bare domains and e-mail addresses so Teams cannot linkify them', () => {
    expect(escapeText('evil.example')).toBe(`evil.${WORD_JOINER}example`);
    expect(escapeText('ann@contoso.com')).toBe(`ann@contoso.${WORD_JOINER}com`);
    expect(escapeText('version 10.0.19045')).toBe('version 10.0.19045');
  });

  it('escapes emphasis and block markers with backslashes, and doubles a backslash that would escape', () => {
    expect(escapeText('_x_ ~~y~~ `z`')).toBe('\\_x\\_ \\~\\~y\\~\\~ \\`z\\`');
    expect(escapeText('# heading')).toBe('\\# heading');
    expect(escapeText('- item')).toBe('\\- item');
    expect(escapeText('1. item')).toBe('1\\. item');
    expect(escapeText('C:\\Windows\\Temp')).toBe('C:\\Windows\\Temp');
    expect(escapeText('\\*not bold')).toBe('\\\\\\*not bold');
  });

  it('strips control, zero-width and bidi characters and turns line breaks into spaces', () => {
    expect(escapeText('a\u0000b\u0007c\u200Bd\u202Ee\uFEFF')).toBe('abcde');
    expect(escapeText('line one\r\nline two\ttab')).toBe('line one line two tab');
  });

  it('truncates long text with an ellipsis before escaping, without splitting a character', () => {
    expect(escapeText('x'.repeat(500))).toBe(`${'x'.repeat(199)}…`);
    expect(escapeText('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
  });

  it('returns an empty string for null and undefined', () => {
    expect(escapeText(undefined)).toBe('');
    expect(escapeText(null)).toBe('');
  });
});
