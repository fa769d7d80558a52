/**
 * Sightings: what one scheduled digest collection saw of the incidents and alerts that may still arrive late.
 *
 * Microsoft's APIs show an incident or alert some time after its `createdDateTime` (defender-api.md §11.1), so a
 * digest cannot decide "new" from the creation time alone. Each scheduled collection stores what it saw of the items
 * that could still be late (changed or created within the late-arrival window before it); the next digest of every
 * subscription that posted from it compares what it sees then with this sighting. Subscriptions posted together
 * share one sighting, so storage grows with the late window, not with the number of conversations.
 *
 * A sighting is written once and never changed; it is stored in chunks so a busy tenant stays within the 64 KB
 * property limit of Azure Tables.
 */
import type { RecordStore } from './records';

/** One collection's sighting. Times are epoch milliseconds. */
export interface Sighting {
  /** Unique id (the subscriptions that posted from it refer to it). */
  id: string;
  /** When the collection started (its digests' `until`). */
  until: number;
  /** Everything created or changed at or after this time was seen (`until` minus the late-arrival window). */
  floor: number;
  /** Incidents seen (id → `lastUpdateDateTime`), when the incident list was read whole. */
  incidents?: ReadonlyMap<string, number>;
  /** Alerts seen (ids), when the alert list was read whole. */
  alerts?: ReadonlySet<string>;
}

interface SightingHead {
  until: number;
  floor: number;
  incidentChunks?: number;
  alertChunks?: number;
}

interface SightingChunk {
  incidents?: [string, number][];
  alerts?: string[];
}

/** Entries per stored chunk: well under the 32,768 UTF-16 characters of an Azure Tables string property. */
const CHUNK = 600;

const headKey = (id: string) => `${id}|head`;
const chunkKey = (id: string, part: 'i' | 'a', n: number) => `${id}|${part}|${String(n).padStart(5, '0')}`;

/** Stored sightings. */
export class Sightings {
  constructor(private readonly store: RecordStore) {}

  /** Stores a sighting (its chunks first, its head last: a head is only read once everything is there). */
  async save(sighting: Sighting): Promise<void> {
    const incidents = sighting.incidents ? [...sighting.incidents] : undefined;
    const alerts = sighting.alerts ? [...sighting.alerts] : undefined;
    const head: SightingHead = { until: sighting.until, floor: sighting.floor };
    if (incidents) head.incidentChunks = await this.saveChunks(sighting.id, 'i', incidents, (c) => ({ incidents: c }));
    if (alerts) head.alertChunks = await this.saveChunks(sighting.id, 'a', alerts, (c) => ({ alerts: c }));
    await this.store.put('sightings', headKey(sighting.id), head);
  }

  /** Reads a sighting; `undefined` when it is unknown (never written whole, or pruned). */
  async get(id: string): Promise<Sighting | undefined> {
    const head = (await this.store.get<SightingHead>('sightings', headKey(id)))?.value;
    if (!head) return undefined;
    const records = await this.store.list<SightingChunk>('sightings', { prefix: `${id}|` });
    const incidents = new Map<string, number>();
    const alerts = new Set<string>();
    let incidentChunks = 0;
    let alertChunks = 0;
    for (const { key, value } of records) {
      if (key.startsWith(`${id}|i|`)) {
        incidentChunks++;
        for (const [item, updated] of value.incidents ?? []) incidents.set(item, updated);
      } else if (key.startsWith(`${id}|a|`)) {
        alertChunks++;
        for (const item of value.alerts ?? []) alerts.add(item);
      }
    }
    // A chunk missing (a store that lost a write) makes that part unknown rather than wrong.
    return {
      id,
      until: head.until,
      floor: head.floor,
      ...(head.incidentChunks !== undefined && incidentChunks === head.incidentChunks ? { incidents } : {}),
      ...(head.alertChunks !== undefined && alertChunks === head.alertChunks ? { alerts } : {}),
    };
  }

  /** Deletes the sightings taken before `before` that no subscription refers to; returns how many. */
  async prune(referenced: ReadonlySet<string>, before: number): Promise<number> {
    let removed = 0;
    const heads = (await this.store.list<SightingHead>('sightings')).filter((r) => r.key.endsWith('|head'));
    for (const head of heads) {
      const id = head.key.slice(0, -'|head'.length);
      if (referenced.has(id) || head.value.until >= before) continue;
      // Head first: a sighting without its head is never read, so a prune that stops half-way leaves no half sighting.
      await this.store.delete('sightings', head.key);
      for (const record of await this.store.list('sightings', { prefix: `${id}|` })) {
        await this.store.delete('sightings', record.key);
      }
      removed++;
    }
    return removed;
  }

  private async saveChunks<T>(
    id: string,
    part: 'i' | 'a',
    entries: T[],
    chunk: (entries: T[]) => SightingChunk,
  ): Promise<number> {
    let n = 0;
    for (let start = 0; start < entries.length; start += CHUNK, n++) {
      await this.store.put('sightings', chunkKey(id, part, n), chunk(entries.slice(start, start + CHUNK)));
    }
    return n;
  }
}
