/**
 * The OData subset the Microsoft security APIs accept, for the simulated tenant: `$filter` parsing and
 * type-checked evaluation, `$orderby`, and the date literals the services take (`2024-01-01Z`, quoted or not).
 *
 * Filters are compiled against an `EntitySchema` (the fields a service lets you filter on), so an unknown field,
 * a type mismatch or an unknown enum member fails with `ODataError` before any data is read — as the real
 * services answer 400 whether or not anything would match.
 */

/** Type of a filterable field. Enums list their members; `ordered` enums (severities) also allow gt/ge/lt/le. */
export type FieldType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'date'
  | 'strings'
  | { readonly enum: readonly string[]; readonly ordered?: boolean };

/** The filterable fields of one entity type, and the type name used in error messages. */
export interface EntitySchema {
  readonly typeName: string;
  readonly fields: Readonly<Record<string, FieldType>>;
}

/** A row being filtered: a rendered resource. */
export type Row = Readonly<Record<string, unknown>>;

/** A compiled `$filter`. */
export type RowPredicate = (row: Row) => boolean;

/** A compiled `$orderby`. */
export type RowComparator = (a: Row, b: Row) => number;

/** A query the services would refuse; `message` reads like theirs. */
export class ODataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataError';
  }
}

// ---- dates ---------------------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses an OData/ISO 8601 date or date-time (with or without `Z`, up to 7 fraction digits) to epoch ms, UTC. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(t) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return t;
}

// ---- tokens --------------------------------------------------------------------------------------------------

type TokenKind = '(' | ')' | ',' | ':' | '/' | 'string' | 'number' | 'date' | 'word' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: string | number;
}

const DATE_TOKEN = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:\d{2})?/i;
const NUMBER_TOKEN = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const WORD_TOKEN = /^[A-Za-z_][A-Za-z0-9_.]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === ':' || c === '/') {
      tokens.push({ kind: c, text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntaxError(text, i, 'unterminated string literal');
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), pos: i, value });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i);
    const date = DATE_TOKEN.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], pos: i, value: date[0] });
      i += date[0].length;
      continue;
    }
    const num = NUMBER_TOKEN.exec(rest);
    if (num && !/^[A-Za-z_]/.test(rest.slice(num[0].length))) {
      tokens.push({ kind: 'number', text: num[0], pos: i, value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const word = WORD_TOKEN.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    throw syntaxError(text, i);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

function syntaxError(text: string, pos: number, detail?: string): ODataError {
  return new ODataError(`Syntax error at position ${pos} in '${text}'${detail ? `: ${detail}` : ''}.`);
}

// ---- syntax tree ---------------------------------------------------------------------------------------------

/** A literal value of a filter. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: number; text: string };

/** Comparison operators. */
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A parsed `$filter` expression. */
export type FilterNode =
  | { type: 'literal'; literal: Literal }
  | { type: 'field'; name: string }
  | { type: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode }
  | { type: 'in'; left: FilterNode; list: Literal[] }
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'call'; name: string; args: FilterNode[] }
  | { type: 'lambda'; collection: string; quantifier: 'any' | 'all'; variable?: string; body?: FilterNode };

const COMPARE_OPS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const KEYWORDS: readonly string[] = [...COMPARE_OPS, 'and', 'or', 'not', 'in', 'true', 'false', 'null'];
const FUNCTIONS: Readonly<Record<string, number>> = { startswith: 2, endswith: 2, contains: 2, tolower: 1, toupper: 1 };

class Parser {
  private readonly tokens: Token[];
  private at = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): FilterNode {
    if (this.peek().kind === 'end') throw new ODataError('The $filter expression is empty.');
    const node = this.orExpr();
    if (this.peek().kind !== 'end') throw this.error();
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)];
  }

  private take(): Token {
    return this.tokens[this.at++];
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.text === word;
  }

  private expect(kind: TokenKind): Token {
    if (this.peek().kind !== kind) throw this.error(`expected '${kind}'`);
    return this.take();
  }

  private error(detail?: string): ODataError {
    return syntaxError(this.text, this.peek().pos, detail);
  }

  private orExpr(): FilterNode {
    let left = this.andExpr();
    while (this.isWord('or')) {
      this.take();
      left = { type: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.unary();
    while (this.isWord('and')) {
      this.take();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.isWord('not')) {
      this.take();
      return { type: 'not', operand: this.unary() };
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'word' && COMPARE_OPS.includes(t.text)) {
      this.take();
      return { type: 'compare', op: t.text as CompareOp, left, right: this.operand() };
    }
    if (this.isWord('in')) {
      this.take();
      this.expect('(');
      const list: Literal[] = [];
      for (;;) {
        const item = this.operand();
        if (item.type !== 'literal') throw this.error('the in operator takes a list of literals');
        list.push(item.literal);
        if (this.peek().kind === ',') {
          this.take();
          continue;
        }
        break;
      }
      this.expect(')');
      return { type: 'in', left, list };
    }
    return left;
  }

  private operand(): FilterNode {
    const t = this.peek();
    switch (t.kind) {
      case '(': {
        this.take();
        const inner = this.orExpr();
        this.expect(')');
        return inner;
      }
      case 'string':
        this.take();
        return { type: 'literal', literal: { kind: 'string', value: t.value as string } };
      case 'number':
        this.take();
        return { type: 'literal', literal: { kind: 'number', value: t.value as number } };
      case 'date': {
        this.take();
        const value = parseIsoDate(t.text);
        if (value === undefined) throw syntaxError(this.text, t.pos, `'${t.text}' is not a valid date`);
        return { type: 'literal', literal: { kind: 'date', value, text: t.text } };
      }
      case 'word':
        return this.wordOperand();
      default:
        throw this.error();
    }
  }

  private wordOperand(): FilterNode {
    const t = this.take();
    if (t.text === 'true' || t.text === 'false') {
      return { type: 'literal', literal: { kind: 'boolean', value: t.text === 'true' } };
    }
    if (t.text === 'null') return { type: 'literal', literal: { kind: 'null' } };
    // OData v3 style: datetime'2024-01-01T00:00:00Z'
    if ((t.text === 'datetime' || t.text === 'datetimeoffset') && this.peek().kind === 'string') {
      const s = this.take();
      const value = parseIsoDate(s.value as string);
      if (value === undefined) throw syntaxError(this.text, s.pos, `'${s.value as string}' is not a valid date`);
      return { type: 'literal', literal: { kind: 'date', value, text: s.value as string } };
    }
    if (KEYWORDS.includes(t.text)) throw syntaxError(this.text, t.pos, `unexpected '${t.text}'`);
    if (this.peek().kind === '(') {
      const arity = FUNCTIONS[t.text.toLowerCase()];
      if (arity === undefined) throw new ODataError(`An unknown function with name '${t.text}' was found.`);
      this.take();
      const args: FilterNode[] = [];
      if (this.peek().kind !== ')') {
        args.push(this.orExpr());
        while (this.peek().kind === ',') {
          this.take();
          args.push(this.orExpr());
        }
      }
      this.expect(')');
      if (args.length !== arity) {
        throw new ODataError(`The function '${t.text}' takes ${arity} argument(s), ${args.length} given.`);
      }
      return { type: 'call', name: t.text.toLowerCase(), args };
    }
    if (this.peek().kind === '/') {
      this.take();
      const q = this.expect('word');
      if (q.text !== 'any' && q.text !== 'all') {
        throw syntaxError(this.text, q.pos, 'only the any and all lambda operators are supported');
      }
      this.expect('(');
      if (this.peek().kind === ')') {
        this.take();
        if (q.text === 'all') throw syntaxError(this.text, q.pos, 'all needs a lambda expression');
        return { type: 'lambda', collection: t.text, quantifier: 'any' };
      }
      const variable = this.expect('word').text;
      this.expect(':');
      const body = this.orExpr();
      this.expect(')');
      return { type: 'lambda', collection: t.text, quantifier: q.text, variable, body };
    }
    return { type: 'field', name: t.text };
  }
}

/** Parses a `$filter` expression; throws `ODataError` on a syntax error. */
export function parseFilter(text: string): FilterNode {
  return new Parser(text).parse();
}

// ---- type checking and evaluation ----------------------------------------------------------------------------

type StaticType = 'string' | 'enum' | 'number' | 'boolean' | 'date' | 'strings' | 'null';
type Value = string | number | boolean | null | readonly unknown[];
type Scope = Readonly<Record<string, unknown>>;
type Getter = (row: Row, scope: Scope) => Value;

interface Typed {
  type: StaticType;
  get: Getter;
  /** Members of an enum field, for literal validation and ordering. */
  enumValues?: readonly string[];
  ordered?: boolean;
  literal?: Literal;
  label: string;
}

function staticType(field: FieldType): StaticType {
  return typeof field === 'string' ? field : 'enum';
}

function literalType(literal: Literal): StaticType {
  return literal.kind;
}

function literalValue(literal: Literal): Value {
  return literal.kind === 'null' ? null : literal.value;
}

function toValue(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v)) return v as Value;
  return String(v);
}

/** Resolves field names case-insensitively, as Defender does. */
function findField(schema: EntitySchema, name: string): [string, FieldType] | undefined {
  if (schema.fields[name] !== undefined) return [name, schema.fields[name]];
  const lower = name.toLowerCase();
  for (const [key, type] of Object.entries(schema.fields)) if (key.toLowerCase() === lower) return [key, type];
  return undefined;
}

/** Normalises a value for comparison under a target type: case-folded strings, dates as epoch ms. */
function normalizer(type: StaticType): (v: Value) => string | number | boolean | null {
  switch (type) {
    case 'string':
    case 'enum':
      return (v) => (v === null ? null : String(v).toLowerCase());
    case 'date':
      return (v) => (v === null ? null : typeof v === 'number' ? v : (parseIsoDate(String(v)) ?? null));
    case 'number':
      return (v) => (v === null ? null : Number(v));
    case 'boolean':
      return (v) => (v === null ? null : typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true');
    default:
      return (v) => (v === null ? null : String(v));
  }
}

class Compiler {
  constructor(
    private readonly schema: EntitySchema,
    private readonly variables: Readonly<Record<string, true>> = {},
  ) {}

  predicate(node: FilterNode): Getter {
    const typed = this.expr(node);
    if (typed.type !== 'boolean') {
      throw new ODataError(`The expression '${typed.label}' is not a boolean expression.`);
    }
    const get = typed.get;
    return (row, scope) => normalizer('boolean')(get(row, scope)) === true;
  }

  private expr(node: FilterNode): Typed {
    switch (node.type) {
      case 'literal':
        return literalOperand(node.literal);
      case 'field':
        return this.field(node.name);
      case 'and':
      case 'or': {
        const l = this.predicate(node.left);
        const r = this.predicate(node.right);
        const get: Getter =
          node.type === 'and' ? (row, s) => !!l(row, s) && !!r(row, s) : (row, s) => !!l(row, s) || !!r(row, s);
        return { type: 'boolean', get, label: node.type };
      }
      case 'not': {
        const p = this.predicate(node.operand);
        return { type: 'boolean', get: (row, s) => !p(row, s), label: 'not' };
      }
      case 'compare':
        return this.compare(node.op, this.expr(node.left), this.expr(node.right));
      case 'in': {
        const left = this.expr(node.left);
        const tests = node.list.map((literal) => this.compare('eq', left, literalOperand(literal)));
        return { type: 'boolean', get: (row, s) => tests.some((t) => t.get(row, s) === true), label: 'in' };
      }
      case 'call':
        return this.call(
          node.name,
          node.args.map((a) => this.expr(a)),
        );
      case 'lambda':
        return this.lambda(node);
    }
  }

  private field(name: string): Typed {
    if (this.variables[name]) {
      return { type: 'string', get: (_row, scope) => toValue(scope[name]), label: name };
    }
    const found = findField(this.schema, name);
    if (!found) {
      throw new ODataError(
        `Could not find a property named '${name}' on type '${this.schema.typeName}' that supports filtering.`,
      );
    }
    const [key, fieldType] = found;
    return {
      type: staticType(fieldType),
      get: (row) => toValue(row[key]),
      enumValues: typeof fieldType === 'object' ? fieldType.enum : undefined,
      ordered: typeof fieldType === 'object' ? !!fieldType.ordered : undefined,
      label: key,
    };
  }

  private compare(op: CompareOp, left: Typed, right: Typed): Typed {
    const type = this.commonType(op, left, right);
    const norm = normalizer(type);
    const order = (left.enumValues ?? right.enumValues)?.map((v) => v.toLowerCase());
    const rank = (v: string | number | boolean | null): number | string | boolean | null =>
      type === 'enum' && order && typeof v === 'string' ? order.indexOf(v) : v;
    const lg = left.get;
    const rg = right.get;
    const get: Getter = (row, scope) => {
      const a = norm(lg(row, scope));
      const b = norm(rg(row, scope));
      if (op === 'eq') return a === b;
      if (op === 'ne') return a !== b;
      if (a === null || b === null) return false;
      const x = rank(a);
      const y = rank(b);
      if (x === null || y === null) return false;
      switch (op) {
        case 'gt':
          return x > y;
        case 'ge':
          return x >= y;
        case 'lt':
          return x < y;
        default:
          return x <= y;
      }
    };
    return { type: 'boolean', get, label: `${left.label} ${op} ${right.label}` };
  }

  /** The type both sides are compared as; throws on a mismatch the services would refuse. */
  private commonType(op: CompareOp, left: Typed, right: Typed): StaticType {
    if (left.type === 'strings' || right.type === 'strings') {
      const name = left.type === 'strings' ? left.label : right.label;
      throw new ODataError(`The collection property '${name}' can only be filtered with any() or all().`);
    }
    if (left.type === 'null' && right.type === 'null') return 'string';
    if (left.type === 'null') return this.commonType(op, right, left);
    if (right.type === 'null') {
      if (op !== 'eq' && op !== 'ne') return left.type;
      return left.type;
    }
    const [field, other] = left.literal ? [right, left] : [left, right];
    const mismatch = (): ODataError =>
      new ODataError(
        'A binary operator with incompatible types was detected. ' +
          `Found operand types '${field.type}' and '${other.type}' for operator kind '${op}'.`,
      );
    switch (field.type) {
      case 'string':
        if (other.type !== 'string' && other.type !== 'enum') throw mismatch();
        return 'string';
      case 'enum':
        if (other.type !== 'string' && other.type !== 'enum') throw mismatch();
        if (other.literal?.kind === 'string' && field.enumValues) {
          const value = other.literal.value.toLowerCase();
          if (!field.enumValues.some((v) => v.toLowerCase() === value)) {
            throw new ODataError(
              `The string '${other.literal.value}' is not a valid enumeration type constant for '${field.label}'.`,
            );
          }
        }
        if (op !== 'eq' && op !== 'ne' && !(field.ordered || other.ordered)) {
          throw new ODataError(`The operator '${op}' is not supported on the enumeration property '${field.label}'.`);
        }
        return 'enum';
      case 'date':
        if (other.type === 'date') return 'date';
        if (other.literal?.kind === 'string' && parseIsoDate(other.literal.value) !== undefined) return 'date';
        throw mismatch();
      case 'number':
        if (other.type === 'number') return 'number';
        if (other.literal?.kind === 'string' && /^-?\d+(\.\d+)?$/.test(other.literal.value)) return 'number';
        throw mismatch();
      case 'boolean':
        if (other.type === 'boolean') return 'boolean';
        if (other.literal?.kind === 'string' && /^(true|false)$/i.test(other.literal.value)) return 'boolean';
        throw mismatch();
      default:
        throw mismatch();
    }
  }

  private call(name: string, args: Typed[]): Typed {
    const text = (t: Typed): Typed => {
      if (t.type !== 'string' && t.type !== 'enum' && t.type !== 'null') {
        throw new ODataError(`The function '${name}' expects string arguments; '${t.label}' is '${t.type}'.`);
      }
      return t;
    };
    const str = (v: Value): string | null => (v === null ? null : String(v).toLowerCase());
    if (name === 'tolower' || name === 'toupper') {
      const a = text(args[0]).get;
      const upper = name === 'toupper';
      return {
        type: 'string',
        get: (row, s) => {
          const v = a(row, s);
          return v === null ? null : upper ? String(v).toUpperCase() : String(v).toLowerCase();
        },
        label: `${name}(${args[0].label})`,
      };
    }
    const a = text(args[0]).get;
    const b = text(args[1]).get;
    const test =
      name === 'startswith'
        ? (x: string, y: string) => x.startsWith(y)
        : name === 'endswith'
          ? (x: string, y: string) => x.endsWith(y)
          : (x: string, y: string) => x.includes(y);
    return {
      type: 'boolean',
      get: (row, s) => {
        const x = str(a(row, s));
        const y = str(b(row, s));
        return x !== null && y !== null && test(x, y);
      },
      label: `${name}(...)`,
    };
  }

  private lambda(node: Extract<FilterNode, { type: 'lambda' }>): Typed {
    const collection = this.field(node.collection);
    if (collection.type !== 'strings') {
      throw new ODataError(`The any/all operators need a collection property; '${collection.label}' is not one.`);
    }
    const items = collection.get;
    if (!node.body || !node.variable) {
      return { type: 'boolean', get: (row, s) => arrayOf(items(row, s)).length > 0, label: 'any()' };
    }
    const variable = node.variable;
    const inner = new Compiler(this.schema, { ...this.variables, [variable]: true }).predicate(node.body);
    const all = node.quantifier === 'all';
    return {
      type: 'boolean',
      get: (row, s) => {
        const list = arrayOf(items(row, s));
        const test = (item: unknown): boolean => !!inner(row, { ...s, [variable]: item });
        return all ? list.every(test) : list.some(test);
      },
      label: `${node.quantifier}()`,
    };
  }
}

function arrayOf(v: Value): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function literalOperand(literal: Literal): Typed {
  const value = literalValue(literal);
  return { type: literalType(literal), get: () => value, literal, label: literalLabel(literal) };
}

function literalLabel(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return `'${literal.value}'`;
    case 'null':
      return 'null';
    case 'date':
      return literal.text;
    default:
      return String(literal.value);
  }
}

/** Compiles `$filter` text against `schema`; throws `ODataError` when the services would answer 400. */
export function compileFilter(text: string, schema: EntitySchema): RowPredicate {
  const predicate = new Compiler(schema).predicate(parseFilter(text));
  return (row) => !!predicate(row, {});
}

/** Compiles `$orderby` text (`field [asc|desc], ...`) against `schema`. */
export function compileOrderBy(text: string, schema: EntitySchema): RowComparator {
  const keys = text.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!m) throw new ODataError(`Syntax error in $orderby '${text}'.`);
    const found = findField(schema, m[1]);
    if (!found || found[1] === 'strings') {
      throw new ODataError(
        `Could not find a property named '${m[1]}' on type '${schema.typeName}' that supports ordering.`,
      );
    }
    const [key, type] = found;
    const norm = normalizer(staticType(type));
    const order = typeof type === 'object' && type.ordered ? type.enum.map((v) => v.toLowerCase()) : undefined;
    const value = (row: Row): string | number | boolean | null => {
      const v = norm(toValue(row[key]));
      return order && typeof v === 'string' ? order.indexOf(v) : v;
    };
    return { value, sign: m[2] === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { value, sign } of keys) {
      const x = value(a);
      const y = value(b);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return x < y ? -sign : sign;
    }
    return 0;
  };
}
