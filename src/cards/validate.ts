/**
 * Checks a card the way Teams and older clients will see it, and returns every problem found (empty = valid).
 *
 * Two parses with the `adaptivecards` library at version 1.5: one as Teams (its chart elements registered as
 * known, opaque elements, whose shape we check ourselves) and one as a client without charts (every chart
 * replaced by its fallback). Also checked: version ≤ 1.5, size ≤ 28 KB, every `Action.Execute` passes
 * `parseCardAction`, every `Action.OpenUrl` is an https URL.
 */
import type * as AC from 'adaptivecards';
import { CARD_SCHEMA } from './elements';
import { MAX_CARD_BYTES } from './limits';
import { parseCardAction } from './verbs';

let loaded: typeof AC | undefined;

/** The adaptivecards library, loaded on first use so that importing the card builders does not load it. */
function library(): typeof AC {
  // The package's ESM build does not load in Node or jest: use its UMD bundle, typed by the package (toolchain P4).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('adaptivecards/dist/adaptivecards.js') as typeof AC;
  return loaded;
}

/** The Teams chart elements the validator knows (those the cards use), and what each must carry. */
const CHART_TYPES: Record<string, (chart: Record<string, unknown>) => string[]> = {
  'Chart.Donut': (c) => checkSlices(c.data),
  'Chart.Pie': (c) => checkSlices(c.data),
  'Chart.Gauge': (c) => [
    ...(isNumber(c.value) ? [] : ['value must be a number']),
    ...(c.segments === undefined ? [] : checkSegments(c.segments)),
  ],
  'Chart.Line': (c) => checkSeries(c.data),
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkSlices(data: unknown): string[] {
  if (!Array.isArray(data) || data.length === 0) return ['data must be a non-empty array'];
  return data.some((d) => !isObject(d) || typeof d.legend !== 'string' || !isNumber(d.value))
    ? ['every data item needs a string legend and a number value']
    : [];
}

function checkSegments(segments: unknown): string[] {
  if (!Array.isArray(segments)) return ['segments must be an array'];
  return segments.some((s) => !isObject(s) || !isNumber(s.size)) ? ['every segment needs a number size'] : [];
}

function checkSeries(data: unknown): string[] {
  if (!Array.isArray(data) || data.length === 0) return ['data must be a non-empty array'];
  const bad = data.some(
    (s) =>
      !isObject(s) ||
      typeof s.legend !== 'string' ||
      !Array.isArray(s.values) ||
      s.values.some((p) => !isObject(p) || (typeof p.x !== 'string' && !isNumber(p.x)) || !isNumber(p.y)),
  );
  return bad ? ['every series needs a legend and values of { x, y: number }'] : [];
}

/** A registry of the default elements plus the Teams charts as opaque elements. */
function teamsElementRegistry(): AC.CardObjectRegistry<AC.CardElement> {
  const ACL = library();
  const registry = new ACL.CardObjectRegistry<AC.CardElement>();
  ACL.GlobalRegistry.populateWithDefaultElements(registry);
  for (const typeName of Object.keys(CHART_TYPES)) {
    const chartClass = class extends ACL.CardElement {
      override getJsonTypeName(): string {
        return typeName;
      }
      protected override internalRender() {
        return undefined;
      }
    };
    registry.register(typeName, chartClass, ACL.Versions.v1_5);
  }
  return registry;
}

let teamsRegistry: AC.CardObjectRegistry<AC.CardElement> | undefined;

function describeEvent(event: AC.IValidationEvent): string {
  const ACL = library();
  return `${ACL.ValidationPhase[event.phase]}/${ACL.ValidationEvent[event.event]}: ${event.message}`;
}

/** Parse and validation events of one parse of `json` at version 1.5. */
function libraryEvents(json: Json, registry?: AC.CardObjectRegistry<AC.CardElement>): string[] {
  const ACL = library();
  const context = new ACL.SerializationContext(ACL.Versions.v1_5);
  if (registry) context.setElementRegistry(registry);
  const card = new ACL.AdaptiveCard();
  card.parse(json, context);
  const events: string[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(describeEvent(context.getEventAt(i)));
  for (const event of card.validateProperties().validationEvents) events.push(describeEvent(event));
  return events;
}

/** Visits every object in the card JSON with its path. */
function walk(value: unknown, path: string, visit: (node: Json, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, visit));
  } else if (isObject(value)) {
    visit(value, path);
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`, visit);
  }
}

/** The card as a client without charts sees it: every chart replaced by its fallback. */
function withoutCharts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCharts);
  if (!isObject(value)) return value;
  const node = typeof value.type === 'string' && value.type.startsWith('Chart.') ? value.fallback : value;
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, withoutCharts(child)]));
}

function checkVersion(version: unknown): string[] {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (!match) return [`card: version must be "major.minor", got ${JSON.stringify(version)}`];
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 1 || (major === 1 && minor > 5) ? [`card: version ${version} is above 1.5, which Teams renders`] : [];
}

function checkNode(node: Json, path: string): string[] {
  const type = node.type;
  if (typeof type !== 'string') return [];
  if (type.startsWith('Chart.')) {
    const check = CHART_TYPES[type];
    if (!check) return [`${path}: unknown chart type ${type}`];
    const problems = check(node).map((p) => `${path} (${type}): ${p}`);
    if (!isObject(node.fallback)) {
      problems.push(`${path} (${type}): needs a fallback element for clients without charts`);
    }
    return problems;
  }
  if (type === 'Action.Execute') {
    try {
      parseCardAction(node.verb, node.data);
      return [];
    } catch (error) {
      return [`${path} (Action.Execute "${String(node.title)}"): ${(error as Error).message}`];
    }
  }
  if (type === 'Action.OpenUrl') {
    const url = typeof node.url === 'string' ? URL.canParse(node.url) && new URL(node.url) : false;
    return url && url.protocol === 'https:' ? [] : [`${path} (Action.OpenUrl): url must be an https URL`];
  }
  return [];
}

/** Every problem of a card, as readable lines; an empty array means the card is valid for Teams. */
export function validateCard(card: unknown): string[] {
  if (!isObject(card) || card.type !== 'AdaptiveCard') return ['card: not an object of type "AdaptiveCard"'];
  const problems: string[] = [...checkVersion(card.version)];
  if (card.$schema !== CARD_SCHEMA) problems.push(`card: $schema must be ${CARD_SCHEMA}`);
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > MAX_CARD_BYTES) problems.push(`card: ${bytes} bytes of JSON, more than ${MAX_CARD_BYTES}`);
  walk(card, 'card', (node, path) => problems.push(...checkNode(node, path)));
  teamsRegistry ??= teamsElementRegistry();
  problems.push(...libraryEvents(card, teamsRegistry).map((e) => `teams: ${e}`));
  problems.push(...libraryEvents(withoutCharts(card) as Json).map((e) => `without charts: ${e}`));
  return problems;
}
