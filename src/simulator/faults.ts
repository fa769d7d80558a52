/**
 * Fault injection for the simulated tenant: a random rate of faults, and targeted rules ("secureScores always
 * answers 500", "the next 3 machine requests are throttled").
 *
 * Faults that replace the answer (`429`, `500`, `503`, `reset`, `timeout`) happen before the request is
 * handled, so nothing changes in the tenant. Faults that spoil the answer (`truncated`, `invalidJson`,
 * `loopingNextLink`, `resetAfterAction`, `hangAfterAction`) happen after: a POST whose answer is lost this way has
 * still started its action, as a real dropped connection would leave it (docs/service-behaviour.md §14).
 */
import { Rng, streamId } from './random';

/** Every fault kind. */
export const FAULT_KINDS = [
  '429',
  '500',
  '503',
  'reset',
  'timeout',
  'truncated',
  'invalidJson',
  'loopingNextLink',
  'resetAfterAction',
  'hangAfterAction',
] as const;

/** A fault: an HTTP error status, a dropped connection, an answer that never comes, or a spoiled answer. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults drawn at random by `rate` when no kinds are given: the transient ones a client must retry. */
export const DEFAULT_RANDOM_FAULTS: readonly FaultKind[] = ['429', '500', '503', 'reset'];

/** A targeted fault. Without `count` or `rate` it fires on every matching request. */
export interface FaultRule {
  /** Regular expression (case-insensitive) tested against the path and query, e.g. `secureScores`. */
  path: string;
  kind: FaultKind;
  /** Only this HTTP method (any when omitted). */
  method?: string;
  /** Fire on the next `count` matching requests only. */
  count?: number;
  /** Fire on this fraction of matching requests. */
  rate?: number;
}

/** The fault configuration. */
export interface FaultSettings {
  /** Fraction (0–1) of requests that get a random fault. */
  rate?: number;
  /** Kinds the random faults are drawn from (default: `DEFAULT_RANDOM_FAULTS`). */
  kinds?: readonly FaultKind[];
  /** Targeted rules, checked in order before the random rate. */
  rules?: readonly FaultRule[];
  /** `Retry-After` seconds of injected 429 and 503 answers (default 1). */
  retryAfterSeconds?: number;
}

/** The configuration in force, with each rule's remaining count and hits. */
export interface FaultState {
  rate: number;
  kinds: FaultKind[];
  retryAfterSeconds: number;
  rules: (FaultRule & { remaining?: number; hits: number })[];
}

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  remaining?: number;
  hits: number;
}

/** Checks untrusted fault settings (the admin API's body); throws an `Error` naming what is wrong. */
export function parseFaultSettings(input: unknown): FaultSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('fault settings must be a JSON object');
  }
  const o = input as Record<string, unknown>;
  const settings: FaultSettings = {};
  if (o.rate !== undefined) settings.rate = fraction(o.rate, 'rate');
  if (o.retryAfterSeconds !== undefined) {
    if (typeof o.retryAfterSeconds !== 'number' || !(o.retryAfterSeconds >= 0)) {
      throw new Error('retryAfterSeconds must be a number of seconds >= 0');
    }
    settings.retryAfterSeconds = o.retryAfterSeconds;
  }
  if (o.kinds !== undefined) {
    if (!Array.isArray(o.kinds) || o.kinds.length === 0) throw new Error('kinds must be a non-empty array');
    settings.kinds = o.kinds.map((k) => kind(k));
  }
  if (o.rules !== undefined) {
    if (!Array.isArray(o.rules)) throw new Error('rules must be an array');
    settings.rules = o.rules.map((r, i) => rule(r, i));
  }
  return settings;
}

function fraction(v: unknown, name: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${name} must be a number between 0 and 1`);
  return v;
}

function kind(v: unknown): FaultKind {
  if (typeof v !== 'string' || !(FAULT_KINDS as readonly string[]).includes(v)) {
    throw new Error(`unknown fault kind ${JSON.stringify(v)}; expected one of ${FAULT_KINDS.join(', ')}`);
  }
  return v as FaultKind;
}

function rule(v: unknown, i: number): FaultRule {
  if (typeof v !== 'object' || v === null) throw new Error(`rules[${i}] must be an object`);
  const o = v as Record<string, unknown>;
  if (typeof o.path !== 'string' || o.path === '') {
    throw new Error(`rules[${i}].path must be a regular expression string`);
  }
  try {
    new RegExp(o.path, 'i');
  } catch {
    throw new Error(`rules[${i}].path is not a valid regular expression: ${o.path}`);
  }
  const r: FaultRule = { path: o.path, kind: kind(o.kind) };
  if (o.method !== undefined) {
    if (typeof o.method !== 'string') throw new Error(`rules[${i}].method must be a string`);
    r.method = o.method.toUpperCase();
  }
  if (o.count !== undefined) {
    if (typeof o.count !== 'number' || !Number.isInteger(o.count) || o.count < 0) {
      throw new Error(`rules[${i}].count must be a whole number`);
    }
    r.count = o.count;
  }
  if (o.rate !== undefined) r.rate = fraction(o.rate, `rules[${i}].rate`);
  return r;
}

/** Decides, request by request, whether and how to misbehave. Draws are seeded, so runs repeat. */
export class FaultInjector {
  private rate = 0;
  private kinds: FaultKind[] = [...DEFAULT_RANDOM_FAULTS];
  private rules: ActiveRule[] = [];
  private retryAfter = 1;
  private readonly rng: Rng;

  constructor(seed: number, settings: FaultSettings = {}) {
    this.rng = new Rng(seed, streamId('faults'));
    this.configure(settings);
  }

  /** Replaces the whole configuration. */
  configure(settings: FaultSettings): void {
    const checked = parseFaultSettings(settings);
    this.rate = checked.rate ?? 0;
    this.kinds = [...(checked.kinds ?? DEFAULT_RANDOM_FAULTS)];
    this.retryAfter = checked.retryAfterSeconds ?? 1;
    this.rules = (checked.rules ?? []).map((r) => ({
      rule: r,
      pattern: new RegExp(r.path, 'i'),
      remaining: r.count,
      hits: 0,
    }));
  }

  /** No faults at all. */
  clear(): void {
    this.configure({});
  }

  /** `Retry-After` seconds of injected 429/503 answers. */
  get retryAfterSeconds(): number {
    return this.retryAfter;
  }

  /** The configuration in force. */
  state(): FaultState {
    return {
      rate: this.rate,
      kinds: [...this.kinds],
      retryAfterSeconds: this.retryAfter,
      rules: this.rules.map((r) => ({ ...r.rule, remaining: r.remaining, hits: r.hits })),
    };
  }

  /** True with probability `rate`, drawn from the fault stream (for the default lost answers). */
  chance(rate: number): boolean {
    return rate > 0 && this.rng.chance(rate);
  }

  /** The fault for this request, if any. `target` is the path with its query. */
  pick(method: string, target: string): FaultKind | undefined {
    for (const r of this.rules) {
      if (r.rule.method && r.rule.method !== method.toUpperCase()) continue;
      if (!r.pattern.test(target)) continue;
      if (r.remaining !== undefined) {
        if (r.remaining <= 0) continue;
        r.remaining--;
      }
      if (r.rule.rate !== undefined && !this.rng.chance(r.rule.rate)) continue;
      r.hits++;
      return r.rule.kind;
    }
    if (this.rate > 0 && this.rng.chance(this.rate)) return this.rng.pick(this.kinds);
    return undefined;
  }
}
