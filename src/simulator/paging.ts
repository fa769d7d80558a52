/**
 * OData collection answers as the services give them: `$filter`, `$orderby`, `$top` (with the service's cap),
 * `$skip` (with Graph's limit, when set), `$count`, `$expand`, `$select`, and `@odata.nextLink` — an absolute URL on
 * the same server, present while more items remain, that carries the next `$skip` (Defender for Endpoint) or an
 * opaque `$skiptoken` (Graph). A Defender list may leave the next link out when `$top` was sent, as reported live.
 */
import { ApiError } from './errors';
import { ODataError, compileFilter, compileOrderBy, type EntitySchema } from './odata';
import type { Json } from './render';

/** Random access to the items of a collection in the order the service returns them. */
export interface Sequence<T> {
  readonly length: number;
  at(index: number): T;
}

/** A list viewed newest first. */
export function newestFirst<T>(items: readonly T[]): Sequence<T> {
  return { length: items.length, at: (i) => items[items.length - 1 - i] };
}

/** A list in its own order. */
export function inOrder<T>(items: readonly T[]): Sequence<T> {
  return { length: items.length, at: (i) => items[i] };
}

/** How one collection endpoint pages and what it accepts. */
export interface CollectionSpec<T> {
  /** `@odata.context` URL. */
  context: string;
  schema: EntitySchema;
  /** Largest `$top` accepted. */
  maxTop: number;
  /** Page size without `$top`. */
  defaultTop: number;
  /** Navigation properties `$expand` accepts. */
  expandable?: readonly string[];
  items: Sequence<T>;
  render(item: T, expand: ReadonlySet<string>): Json;
  /** A cheap row with at least the filterable fields, for `$filter`/`$orderby` over large collections. */
  row?(item: T): Json;
  /** How next links page: with `$skip` (Defender for Endpoint, default) or an opaque `$skiptoken` (Graph). */
  nextLinks?: 'skip' | 'skiptoken';
  /** Leave `@odata.nextLink` out when the request sent `$top` (reported of Defender for Endpoint lists). */
  noNextLinkWithTop?: boolean;
  /** Largest `$skip` accepted; a larger one is refused with 400 (Graph security lists). */
  maxSkip?: number;
  /** Called with the request's options and the number of matching items before the page is cut; may throw. */
  check?(options: Map<string, string>, matched: number): void;
}

/** A request's URL, as far as paging needs it. */
export interface PagingRequest {
  /** Absolute base of this server, e.g. `http://127.0.0.1:4321`. */
  base: string;
  pathname: string;
  query: URLSearchParams;
}

const SYSTEM_OPTIONS = ['$filter', '$top', '$skip', '$skiptoken', '$count', '$expand', '$select', '$orderby'];

/** The system query options of a request (`$top` etc., names case-insensitive). */
export function queryOptions(query: URLSearchParams): Map<string, string> {
  const options = new Map<string, string>();
  for (const [name, value] of query) {
    if (!name.startsWith('$')) continue;
    const key = name.toLowerCase();
    if (!SYSTEM_OPTIONS.includes(key)) throw new ODataError(`The query parameter '${name}' is not supported.`);
    if (options.has(key)) {
      throw new ODataError(`Query option '${name}' was specified more than once; it may appear at most once.`);
    }
    options.set(key, value);
  }
  return options;
}

function wholeNumber(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new ODataError(
      `Invalid value '${value}' for ${name} query option found. ` +
        `The ${name} query option requires a non-negative integer value.`,
    );
  }
  return Number(value);
}

/** The `$expand` set, checked against what the collection can expand. */
export function expansions(
  options: Map<string, string>,
  expandable: readonly string[] = [],
  typeName = 'entity',
): Set<string> {
  const expand = new Set<string>();
  const text = options.get('$expand');
  if (text === undefined) return expand;
  for (const part of text.split(',')) {
    const name = part.trim();
    const match = expandable.find((e) => e.toLowerCase() === name.toLowerCase());
    if (!match) {
      throw new ODataError(
        `Property '${name}' on type '${typeName}' is not a navigation property or complex property. ` +
          'Only navigation properties can be expanded.',
      );
    }
    expand.add(match);
  }
  return expand;
}

/** Keeps only the `$select`ed properties (and OData annotations). */
export function select(json: Json, fields: readonly string[] | undefined): Json {
  if (!fields) return json;
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const out: Json = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('@odata.') || wanted.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

function selected(options: Map<string, string>): string[] | undefined {
  const text = options.get('$select');
  return text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** Answers a collection request: one page, with `@odata.nextLink` while items remain. */
export function page<T>(req: PagingRequest, spec: CollectionSpec<T>): Json {
  const options = queryOptions(req.query);
  const topText = options.get('$top');
  const top = topText === undefined ? spec.defaultTop : wholeNumber('$top', topText);
  if (top > spec.maxTop) {
    throw new ApiError(
      400,
      'BadRequest',
      `The limit of '${spec.maxTop}' for Top query has been exceeded. ` +
        `The value from the incoming request is '${topText}'.`,
    );
  }
  const skip = skipOf(options, spec);
  const count = options.get('$count');
  if (count !== undefined && count !== 'true' && count !== 'false') {
    throw new ODataError(`'${count}' is not a valid value for $count; use true or false.`);
  }
  const expand = expansions(options, spec.expandable, spec.schema.typeName);
  const filterText = options.get('$filter');
  const orderText = options.get('$orderby');
  const predicate = filterText !== undefined ? filterOf(filterText, spec.schema) : undefined;
  const order = orderText !== undefined ? compileOrderBy(orderText, spec.schema) : undefined;
  const fields = selected(options);

  let total: number;
  let value: Json[];
  if (predicate || order) {
    const rowOf = spec.row ? (item: T) => spec.row!(item) : (item: T) => spec.render(item, expand);
    const matched: { item: T; json: Json }[] = [];
    for (let i = 0; i < spec.items.length; i++) {
      const item = spec.items.at(i);
      const json = rowOf(item);
      if (!predicate || predicate(json)) matched.push({ item, json });
    }
    if (order) matched.sort((a, b) => order(a.json, b.json));
    total = matched.length;
    spec.check?.(options, total);
    value = matched.slice(skip, skip + top).map((m) => select(spec.row ? spec.render(m.item, expand) : m.json, fields));
  } else {
    total = spec.items.length;
    spec.check?.(options, total);
    value = [];
    for (let i = skip; i < Math.min(total, skip + top); i++) {
      value.push(select(spec.render(spec.items.at(i), expand), fields));
    }
  }

  const body: Json = { '@odata.context': spec.context };
  if (count === 'true') body['@odata.count'] = total;
  const linkLeftOut = spec.noNextLinkWithTop === true && topText !== undefined;
  if (top > 0 && skip + top < total && !linkLeftOut) {
    body['@odata.nextLink'] = spec.nextLinks === 'skiptoken' ? tokenLink(req, skip + top) : nextLink(req, skip + top);
  }
  body.value = value;
  return body;
}

/** Where the page starts: `$skip`, or the offset a `$skiptoken` of this server carries. */
function skipOf<T>(options: Map<string, string>, spec: CollectionSpec<T>): number {
  const token = options.get('$skiptoken');
  if (token !== undefined) {
    if (options.has('$skip')) throw new ODataError('$skip and $skiptoken cannot be used together.');
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const offset = /^\d+$/.test(decoded) ? Number(decoded) : NaN;
    if (!Number.isSafeInteger(offset)) throw new ODataError(`The skip token '${token}' is not valid.`);
    return offset;
  }
  const skip = options.has('$skip') ? wholeNumber('$skip', options.get('$skip')!) : 0;
  if (spec.maxSkip !== undefined && skip > spec.maxSkip) {
    throw new ApiError(
      400,
      'BadRequest',
      `The limit of '${spec.maxSkip}' for Skip query has been exceeded. The value from the incoming request is ` +
        `'${skip}'. Use @odata.nextLink for pagination.`,
    );
  }
  return skip;
}

/** The same request with an opaque `$skiptoken` for `offset` instead of any `$skip`, as an absolute URL. */
function tokenLink(req: PagingRequest, offset: number): string {
  const pairs: string[] = [];
  for (const [name, value] of req.query) {
    const lower = name.toLowerCase();
    if (lower === '$skip' || lower === '$skiptoken') continue;
    pairs.push(`${encodeName(name)}=${encodeURIComponent(value)}`);
  }
  pairs.push(`$skiptoken=${Buffer.from(String(offset)).toString('base64url')}`);
  return `${req.base}${req.pathname}?${pairs.join('&')}`;
}

function filterOf(text: string, schema: EntitySchema): ReturnType<typeof compileFilter> {
  try {
    return compileFilter(text, schema);
  } catch (error) {
    if (error instanceof ODataError) throw new ODataError(`Invalid filter clause: ${error.message}`);
    throw error;
  }
}

/** The same request with `$skip` moved to `skip`, as an absolute URL. */
export function nextLink(req: PagingRequest, skip: number): string {
  const pairs: string[] = [];
  let hasSkip = false;
  for (const [name, value] of req.query) {
    if (name.toLowerCase() === '$skip') {
      if (!hasSkip) pairs.push(`$skip=${skip}`);
      hasSkip = true;
      continue;
    }
    pairs.push(`${encodeName(name)}=${encodeURIComponent(value)}`);
  }
  if (!hasSkip) pairs.push(`$skip=${skip}`);
  return `${req.base}${req.pathname}?${pairs.join('&')}`;
}

function encodeName(name: string): string {
  return name.startsWith('$') ? `$${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}
