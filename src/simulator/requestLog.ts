/**
 * What the simulated tenant was asked: every Graph and Defender request (not the `/_simulator/` admin calls)
 * with its authorization header and outcome, for tests that check how the product calls the APIs, and counters
 * for benchmarks.
 */
import type { FaultKind } from './faults';

/** Which API a request went to. */
export type RequestApi = 'graph' | 'defender' | 'other';

/** One request. */
export interface RequestLogEntry {
  /** Order of arrival, from 1. */
  seq: number;
  /** Tenant clock when the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  api: RequestApi;
  /** The `Authorization` header, or null. */
  authorization: string | null;
  /** HTTP status sent, or null when the connection was dropped or never answered. */
  status: number | null;
  /** The injected fault, if any. */
  fault?: FaultKind;
  /** Wall-clock milliseconds until the answer was sent or the connection closed. */
  durationMs: number;
}

/** Counters over all requests since the last reset. */
export interface RequestStats {
  total: number;
  byApi: Record<string, number>;
  /** By `METHOD /path` with ids replaced by `{id}`. */
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
}

/** Request log with a bounded memory: the newest `limit` entries are kept, counters cover everything. */
export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;
  private counters: RequestStats = emptyStats();

  constructor(private readonly limit = 50_000) {}

  /** Records a finished request and returns it. */
  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.items.push(full);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    const c = this.counters;
    c.total++;
    bump(c.byApi, entry.api);
    bump(c.byPath, `${entry.method} ${normalizePath(entry.path)}`);
    bump(c.byStatus, entry.status === null ? 'none' : String(entry.status));
    if (entry.fault) bump(c.faults, entry.fault);
    return full;
  }

  /** The kept entries, oldest first. */
  entries(): RequestLogEntry[] {
    return [...this.items];
  }

  /** Counters since the last reset. */
  stats(): RequestStats {
    const c = this.counters;
    return {
      total: c.total,
      byApi: { ...c.byApi },
      byPath: { ...c.byPath },
      byStatus: { ...c.byStatus },
      faults: { ...c.faults },
    };
  }

  /** Forgets every entry and counter. */
  reset(): void {
    this.items = [];
    this.counters = emptyStats();
  }
}

function emptyStats(): RequestStats {
  return { total: 0, byApi: {}, byPath: {}, byStatus: {}, faults: {} };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

const ID_SEGMENTS = [
  /^[0-9a-f]{40}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\d+$/,
  /^[df]a\d+_-?\d+$/,
];

/** `/api/machines/3f…a1/alerts?$top=5` → `/api/machines/{id}/alerts`. */
export function normalizePath(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((seg) => (ID_SEGMENTS.some((re) => re.test(seg)) ? '{id}' : seg))
    .join('/');
}
