/**
 * A list answer read item by item. A page of 10,000 devices or alerts is 10 MB of JSON; parsed whole, all its raw
 * objects live together until the last one is checked, long enough for the garbage collector to move them to the
 * old generation, where they stay until a full collection. Split first, each item is parsed and checked on its own
 * and its raw object dies young: a page then costs its text and the items kept, not three times that.
 */

/** A list answer split without parsing its items. */
export interface ListPageText {
  /** The top-level members other than `value`, parsed (`@odata.nextLink`, `@odata.count`, …). */
  envelope: Record<string, unknown>;
  /** The elements of `value` as JSON texts (slices of the body), or undefined when `value` is missing or not an array. */
  items?: string[];
}

/** Splits a list answer; `undefined` when the text is not one well-formed JSON object. */
export function splitListPage(text: string): ListPageText | undefined {
  try {
    return split(text);
  } catch (error) {
    if (error instanceof MalformedJson) return undefined;
    throw error;
  }
}

class MalformedJson extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function split(text: string): ListPageText {
  const envelope: Record<string, unknown> = {};
  let items: string[] | undefined;
  let i = expect(text, skipSpace(text, 0), OPEN_OBJECT);
  i = skipSpace(text, i);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return finish(text, i + 1, envelope, items);
  for (;;) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipSpace(text, expect(text, skipSpace(text, keyEnd), COLON));
    let end: number;
    if (key === 'value' && text.charCodeAt(start) === OPEN_ARRAY) {
      items = [];
      end = elements(text, start, items);
    } else {
      end = skipValue(text, start);
      try {
        envelope[key] = JSON.parse(text.slice(start, end));
      } catch {
        throw new MalformedJson();
      }
    }
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_OBJECT) return finish(text, i + 1, envelope, items);
    i = skipSpace(text, expect(text, i, COMMA));
  }
}

/** Collects the element texts of the array at `start`; returns the index after its `]`. */
function elements(text: string, start: number, into: string[]): number {
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const end = skipValue(text, i);
    into.push(text.slice(i, end));
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_ARRAY) return i + 1;
    i = skipSpace(text, expect(text, i, COMMA));
  }
}

function finish(text: string, i: number, envelope: Record<string, unknown>, items?: string[]): ListPageText {
  if (skipSpace(text, i) !== text.length) throw new MalformedJson();
  return { envelope, items };
}

function expect(text: string, i: number, code: number): number {
  if (text.charCodeAt(i) !== code) throw new MalformedJson();
  return i + 1;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** The index after the string that starts at `i`. */
function skipString(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) throw new MalformedJson();
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  throw new MalformedJson();
}

/** The index after the value that starts at `i` (its own syntax is checked later, when it is parsed). */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) j = skipString(text, j) - 1;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new MalformedJson();
  }
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
      break;
  }
  if (j === i) throw new MalformedJson();
  return j;
}
