/**
 * Where the simulated services leave the happy path the way the real ones are documented or reported to
 * (docs/service-behaviour.md), each on by default and settable (`TenantOptions.behaviour`,
 * `PUT /_simulator/behaviour`):
 *
 * - Defender for Endpoint lists answer without `@odata.nextLink` when `$top` is sent (§11.3); `deviceavinfo`, whose
 *   page documents next links, keeps them.
 * - Graph `incidents` and `alerts_v2` refuse a `$skip` above 500 with 400 (§11.4); their next links carry an opaque
 *   `$skiptoken` instead, so following them always works.
 * - `incidents?$expand=alerts` with a `$filter` answers 500 when more incidents match than a size (§11.5).
 * - Fields the resource pages mark Nullable come back null at a rate (§11.6).
 * - The answer to an action POST is lost at a rate after the action started: the connection is reset (§11.14).
 *   Per-path lost answers (reset or never answered) are fault rules (`faults.ts`, kinds `resetAfterAction` and
 *   `hangAfterAction`).
 */
import { streamId, unitHash } from './random';

/** The service behaviours, as set. */
export interface ServiceBehaviour {
  /** Defender lists give `@odata.nextLink` even when `$top` is sent (off: reported live behaviour). */
  defenderNextLinks: boolean;
  /** Largest `$skip` Graph `incidents` and `alerts_v2` accept (`null`: no limit). */
  graphMaxSkip: number | null;
  /** More matching incidents than this make `$expand=alerts` with a `$filter` answer 500 (`null`: never). */
  expandFilterLimit: number | null;
  /** Fraction (0-1) of the Nullable fields that come back null. */
  nullRate: number;
  /** Fraction (0-1) of action POSTs whose answer is lost (connection reset) after the action started. */
  lostAnswerRate: number;
}

/** The defaults: every reported behaviour on, at rates that leave most answers as documented. */
export const DEFAULT_BEHAVIOUR: Readonly<ServiceBehaviour> = Object.freeze({
  defenderNextLinks: false,
  graphMaxSkip: 500,
  expandFilterLimit: 500,
  nullRate: 0.05,
  lostAnswerRate: 0.01,
});

/** The behaviour the services run with (`setBehaviour` input is checked here). */
export function parseBehaviour(input: unknown, base: ServiceBehaviour = DEFAULT_BEHAVIOUR): ServiceBehaviour {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('behaviour must be a JSON object');
  }
  const o = input as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_BEHAVIOUR));
  for (const key of Object.keys(o)) if (!known.has(key)) throw new Error(`unknown behaviour ${JSON.stringify(key)}`);
  const out: ServiceBehaviour = { ...base };
  if (o.defenderNextLinks !== undefined) {
    if (typeof o.defenderNextLinks !== 'boolean') throw new Error('defenderNextLinks must be true or false');
    out.defenderNextLinks = o.defenderNextLinks;
  }
  for (const key of ['graphMaxSkip', 'expandFilterLimit'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      throw new Error(`${key} must be a whole number >= 0, or null for no limit`);
    }
    out[key] = v;
  }
  for (const key of ['nullRate', 'lostAnswerRate'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${key} must be a number between 0 and 1`);
    out[key] = v;
  }
  return out;
}

/**
 * True when the Nullable `field` of the record `key` comes back null: the same answer every time for the same
 * record and field, so a list and its filter rows agree.
 */
export function nulled(rate: number, seed: number, key: string, field: string): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return drawOf(seed, key, field) < rate;
}

/**
 * The draw of each (seed, record, field), computed once: a filter over every alert of a tenant asks it for each row
 * of every list request, and hashing the ids each time cost the simulator most of its time.
 */
const draws = new Map<string, Map<string, number>>();

function drawOf(seed: number, key: string, field: string): number {
  const byField = `${seed}|${field}`;
  let forField = draws.get(byField);
  if (!forField) {
    forField = new Map();
    draws.set(byField, forField);
  }
  let draw = forField.get(key);
  if (draw === undefined) {
    draw = unitHash(seed, streamId(key), streamId(field));
    // Bounded by the records of the tenants in this process; a very long-lived simulator starts afresh.
    if (forField.size >= 2_000_000) forField.clear();
    forField.set(key, draw);
  }
  return draw;
}
