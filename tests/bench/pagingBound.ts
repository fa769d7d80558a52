/**
 * The fewest requests a daily digest can make: for each list the daily card needs, ⌈matching items ÷ the largest
 * page the API gives⌉ (at least one request), counted by the simulator itself (`$count=true`) over the same window.
 *
 * The needs are declared here, from what the daily card shows, not read from the collector: incidents new or
 * updated in the window, alerts created in it, the devices under threat (active device alerts, every device for
 * name and risk, isolation actions) and the three scores.
 */
import { PAGE_LIMITS } from '../../src/simulator';
import type { SplitTenant } from './simulatorProcess';

/** One list of the lower bound. */
export interface NeededList {
  name: string;
  path: string;
  filter?: string;
  /** Largest page the API gives (`$top` cap). */
  maxPage: number;
  /** Items that match (from `@odata.count`), or 1 for a single object. */
  items: number;
  /** ⌈items ÷ maxPage⌉, at least 1: the pages that must be read one after another. */
  pages: number;
}

/** The paging lower bound of a daily digest over `[since, until)`. */
export interface PagingBound {
  lists: NeededList[];
  /** Σ pages: the fewest requests. */
  requests: number;
  /** The longest chain of pages that must be read in sequence (the lists themselves are independent). */
  longestChain: number;
}

interface Need {
  name: string;
  path: string;
  filter?: string;
  maxPage: number;
  /** A single object, or a list read with a fixed `$top`. */
  fixedItems?: number;
}

function dailyNeeds(since: Date, until: Date): Need[] {
  const s = since.toISOString();
  const u = until.toISOString();
  return [
    {
      name: 'incidents new or updated in the window',
      path: '/v1.0/security/incidents',
      filter: `lastUpdateDateTime ge ${s} and createdDateTime lt ${u}`,
      maxPage: PAGE_LIMITS.incidents.maxTop,
    },
    {
      name: 'alerts created in the window',
      path: '/v1.0/security/alerts_v2',
      filter: `createdDateTime ge ${s} and createdDateTime lt ${u}`,
      maxPage: PAGE_LIMITS.alertsV2.maxTop,
    },
    {
      name: 'active device alerts',
      path: '/api/alerts',
      filter: "status ne 'Resolved'",
      maxPage: PAGE_LIMITS.defender.maxTop,
    },
    { name: 'devices (names, risk)', path: '/api/machines', maxPage: PAGE_LIMITS.defender.maxTop },
    {
      name: 'succeeded isolation actions',
      path: '/api/machineactions',
      filter: "(type eq 'Isolate' or type eq 'Unisolate') and status eq 'Succeeded'",
      maxPage: PAGE_LIMITS.defender.maxTop,
    },
    {
      name: 'Secure Score, last 8 days',
      path: '/v1.0/security/secureScores',
      maxPage: PAGE_LIMITS.secureScores.maxTop,
      fixedItems: 8,
    },
    { name: 'exposure score', path: '/api/exposureScore', maxPage: 1, fixedItems: 1 },
    { name: 'Secure Score for Devices', path: '/api/configurationScore', maxPage: 1, fixedItems: 1 },
  ];
}

/** Counts the items of each needed list on the simulator (one `$count` request each, made by the bench). */
export async function dailyPagingBound(
  tenant: Pick<SplitTenant, 'get'>,
  since: Date,
  until: Date,
): Promise<PagingBound> {
  const lists: NeededList[] = [];
  for (const need of dailyNeeds(since, until)) {
    let items = need.fixedItems;
    if (items === undefined) {
      const query = [`$top=1`, `$count=true`, ...(need.filter ? [`$filter=${encodeURIComponent(need.filter)}`] : [])];
      const body = await tenant.get(`${need.path}?${query.join('&')}`);
      items = Number(body['@odata.count']);
      if (!Number.isInteger(items)) throw new Error(`${need.path}: the simulator gave no @odata.count`);
    }
    lists.push({
      name: need.name,
      path: need.path,
      filter: need.filter,
      maxPage: need.maxPage,
      items,
      pages: Math.max(1, Math.ceil(items / need.maxPage)),
    });
  }
  return {
    lists,
    requests: lists.reduce((sum, l) => sum + l.pages, 0),
    longestChain: Math.max(...lists.map((l) => l.pages)),
  };
}
