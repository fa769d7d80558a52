/**
 * Paging that never stops short (docs/service-behaviour.md §3-§11.5): Defender lists read with `$top` + `$skip` until a
 * short page, Graph lists through next links with a checked `$skip` speed-up, repeats dropped, the count checked, and
 * `$expand=alerts` given up for `alerts_v2` when Graph answers 500.
 */
import { PagingError } from '../../../src/defender/errors';
import { clientFor, deviceId, incident, json, machine, memoryLogger, startFakeApi, type FakeApi } from './fakeApi';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** A machine with an id unique to `n` (the shared factory pads with hex digits, fine for small lists only). */
const device = (n: number) => ({ ...machine(1), id: n.toString(16).padStart(40, '0') });

/** A Defender list of `total` machines that pages with `$top`/`$skip` and never sends a next link. */
function defenderList(total: number, options: { ignoreSkip?: boolean; shiftAfterFirst?: number } = {}) {
  return startFakeApi((req, res, n) => {
    const top = Number(req.query.get('$top') ?? 20);
    const skip = options.ignoreSkip ? 0 : Number(req.query.get('$skip') ?? 0);
    // New devices at the front of the list after the first page: what was at `skip` is now further down.
    const shift = n > 1 ? (options.shiftAfterFirst ?? 0) : 0;
    const all = [...range(1_000_000, shift), ...range(1, total)];
    json(res, 200, { '@odata.context': 'x', value: all.slice(skip, skip + top).map(device) });
  });
}

describe('Defender for Endpoint lists: $top and $skip until a short page', () => {
  it('reads 20,001 devices in three pages of $top=10000 with no next link', async () => {
    api = await defenderList(20_001);
    const machines = await clientFor(api).listMachines();
    expect(machines).toHaveLength(20_001);
    expect(new Set(ids(machines)).size).toBe(20_001);
    expect(api.requests.map((r) => [r.query.get('$top'), r.query.get('$skip')])).toEqual([
      ['10000', null],
      ['10000', '10000'],
      ['10000', '20000'],
    ]);
  });

  it('asks once more after a full last page, and stops at the empty one', async () => {
    api = await defenderList(10_000);
    expect(await clientFor(api).listMachines()).toHaveLength(10_000);
    expect(api.requests).toHaveLength(2);
  });

  it('follows a next link when one comes, and keeps the filter on the $skip pages', async () => {
    let fake: FakeApi;
    api = fake = await startFakeApi((req, res) => {
      const page = Number(req.query.get('page') ?? 1);
      const value = range((page - 1) * 3 + 1, 3).map(machine);
      json(res, 200, {
        value,
        ...(page < 3 ? { '@odata.nextLink': `${fake.url}/api/machines?page=${page + 1}` } : {}),
      });
    });
    expect(ids(await clientFor(api).listMachines())).toEqual(range(1, 9).map(deviceId));
    expect(api.requests).toHaveLength(3);

    await api.close();
    api = await defenderList(10_050);
    await clientFor(api).listMachines({ filter: "riskScore eq 'High'" });
    expect(api.requests.map((r) => r.query.get('$filter'))).toEqual(["riskScore eq 'High'", "riskScore eq 'High'"]);
  });

  it('never follows a next link to another host: the list goes on with $skip on the configured host', async () => {
    api = await startFakeApi((req, res) => {
      const skip = Number(req.query.get('$skip') ?? 0);
      const value = range(skip + 1, skip === 0 ? 10_000 : 5).map(device);
      json(res, 200, { value, '@odata.nextLink': 'https://evil.example/api/machines?$skip=10000' });
    });
    const logger = memoryLogger();
    const machines = await clientFor(api, { logger }).listMachines();
    expect(machines).toHaveLength(10_005);
    expect(api.requests.map((r) => r.query.get('$skip'))).toEqual([null, '10000']);
    expect(logger.warnings.map((w) => w.message)).toContain('next link to another host not followed');
  });

  it('drops the devices a shifting list shows twice', async () => {
    api = await defenderList(10_010, { shiftAfterFirst: 3 });
    const machines = await clientFor(api).listMachines();
    // Three devices arrived at the front during the read: the three it pushed across the page edge come once.
    expect(new Set(ids(machines)).size).toBe(machines.length);
    expect(machines).toHaveLength(10_010);
  });

  it('stops a service that ignores $skip instead of reading the same page forever', async () => {
    api = await defenderList(10_000, { ignoreSkip: true });
    const error = await clientFor(api)
      .listMachines()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagingError);
    expect((error as PagingError).reason).toBe('loop');
    expect(api.requests).toHaveLength(2);
  });

  it("a device's alerts (a list without documented query options) are asked without $top and end without a next link", async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 200, { value: [{ id: 'da1', title: 't', machineId: deviceId(1) }] }),
    );
    expect(await clientFor(api).listMachineAlerts(deviceId(1))).toHaveLength(1);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0].query.has('$top')).toBe(false);
  });

  it.each(['ResourceNotFound', 'NotFound'])('reads a device list 404 %s as "no devices"', async (code) => {
    api = await startFakeApi((_req, res) => json(res, 404, { error: { code, message: 'No machines found' } }));
    await expect(clientFor(api).listMachines()).resolves.toEqual([]);
    await expect(clientFor(api).listAlerts()).rejects.toMatchObject({ status: 404 });
  });
});

/** A Graph incident list of `total` incidents, pages of 50, `$skiptoken` next links and the given `$skip` rules. */
function graphIncidents(
  total: number,
  rules: { maxSkip?: number; shortSkip?: number; countOverstated?: number; expandFails?: boolean } = {},
) {
  const fake = startFakeApi((req, res) => {
    if (req.path.startsWith('/v1.0/security/alerts_v2')) {
      const all = range(1, total).flatMap((n) => [
        { id: `da${n}a`, incidentId: String(n), createdDateTime: created(n), title: 'a', severity: 'high' },
        { id: `da${n}b`, incidentId: String(n), createdDateTime: created(n), title: 'b', severity: 'low' },
      ]);
      const filter = req.query.get('$filter') ?? '';
      const ge = /createdDateTime ge ([^\s)]+)/.exec(filter)?.[1];
      const lt = /createdDateTime lt ([^\s)]+)/.exec(filter)?.[1];
      const value = all.filter(
        (a) =>
          (!ge || Date.parse(a.createdDateTime) >= Date.parse(ge)) &&
          (!lt || Date.parse(a.createdDateTime) < Date.parse(lt)),
      );
      return json(res, 200, { '@odata.count': value.length, value });
    }
    if (/^\/v1\.0\/security\/incidents\/\d+$/.test(req.path)) {
      return json(res, 200, incident(Number(req.path.split('/').pop()), { alerts: [] }));
    }
    if (rules.expandFails && req.query.get('$expand') && req.query.get('$filter')) {
      return json(res, 500, { error: { code: 'InternalServerError', message: 'boom' } });
    }
    const token = req.query.get('$skiptoken');
    const skip = token ? Number(token) : Number(req.query.get('$skip') ?? 0);
    if (!token && rules.maxSkip !== undefined && skip > rules.maxSkip) {
      return json(res, 400, { error: { code: 'BadRequest', message: "The limit of '500' for Skip query" } });
    }
    const top = Number(req.query.get('$top'));
    let value = range(1, total)
      .reverse()
      .slice(skip, skip + top)
      .map((n) => incident(n, { createdDateTime: created(n) }));
    if (!token && rules.shortSkip !== undefined && skip === rules.shortSkip) value = value.slice(0, 10);
    const more = skip + top < total;
    const base = `${req.path}?$top=${top}${req.query.get('$filter') ? `&$filter=${req.query.get('$filter')}` : ''}`;
    json(res, 200, {
      ...(req.query.get('$count') === 'true' ? { '@odata.count': total + (rules.countOverstated ?? 0) } : {}),
      value,
      ...(more ? { '@odata.nextLink': `${api!.url}${base}&$skiptoken=${skip + top}` } : {}),
    });
  });
  return fake;
}

function created(n: number): string {
  return new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
}

describe('Graph lists: next links, with $skip pages only as a checked speed-up', () => {
  it('reads pages after the first in parallel with $skip when the count allows, in order', async () => {
    api = await graphIncidents(140);
    const incidents = await clientFor(api).listIncidents();
    expect(ids(incidents)).toEqual(range(1, 140).reverse().map(String));
    expect(api.requests[0].query.get('$count')).toBe('true');
    expect(api.requests.slice(1).map((r) => r.query.get('$skip'))).toEqual(['50', '100']);
  });

  it('never asks for a $skip past the documented 500: the pages further down come through next links', async () => {
    api = await graphIncidents(700);
    expect(ids(await clientFor(api).listIncidents())).toEqual(range(1, 700).reverse().map(String));
    const skips = api.requests.map((r) => Number(r.query.get('$skip') ?? 0));
    expect(Math.max(...skips)).toBe(500);
    expect(api.requests.filter((r) => r.query.has('$skiptoken'))).toHaveLength(3);
    expect(api.requests).toHaveLength(14);
  });

  it('a $skip page refused with 400 goes on from the last good page with next links, and the next read starts there', async () => {
    api = await graphIncidents(700, { maxSkip: 200 });
    const logger = memoryLogger();
    const client = clientFor(api, { logger });
    const first = await client.listIncidents();
    expect(ids(first)).toEqual(range(1, 700).reverse().map(String));
    const refused = api.requests.filter((r) => Number(r.query.get('$skip')) > 200);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(logger.warnings.map((w) => w.message)).toContain(
      'a $skip page was not usable; the list goes on with @odata.nextLink',
    );
    const before = api.requests.length;
    expect(await client.listIncidents()).toHaveLength(700);
    const second = api.requests.slice(before);
    expect(second.every((r) => !r.query.has('$skip'))).toBe(true);
    expect(second).toHaveLength(14);
  });

  it('a short $skip page is not taken as the end: the list goes on with next links', async () => {
    api = await graphIncidents(180, { shortSkip: 100 });
    const incidents = await clientFor(api).listIncidents();
    expect(ids(incidents)).toEqual(range(1, 180).reverse().map(String));
  });

  it('a list that gives fewer items than it counted ends with a PagingError after the pages it gave', async () => {
    api = await graphIncidents(120, { countOverstated: 5 });
    const read: string[] = [];
    const error = await (async () => {
      for await (const page of clientFor(api!).streamIncidents()) read.push(...ids(page));
    })().catch((e: unknown) => e);
    expect(read).toHaveLength(120);
    expect(error).toBeInstanceOf(PagingError);
    expect((error as PagingError).reason).toBe('count-mismatch');
    expect((error as PagingError).readableMessage()).toBe(
      'Microsoft Graph could not list incidents: only 120 of the 125 items the service counted could be read.',
    );
  });

  it('$expand=alerts with a $filter that answers 500 falls back to alerts_v2 grouped by incident, and remembers it', async () => {
    api = await graphIncidents(700, { expandFails: true });
    const logger = memoryLogger();
    const client = clientFor(api, { logger });
    const since = new Date('2026-10-01T00:00:00Z');
    const incidents = await client.listIncidents({ updatedSince: since, expandAlerts: true });
    expect(incidents).toHaveLength(700);
    expect(incidents.every((i) => i.alerts?.length === 2)).toBe(true);
    expect(incidents.every((i) => i.alerts!.every((a) => a.incidentId === i.id))).toBe(true);
    const alertReads = api.requests.filter((r) => r.path === '/v1.0/security/alerts_v2');
    // One range per 500 incidents, the second older than the first: every alert is read once.
    expect(alertReads).toHaveLength(2);
    expect(alertReads[0].query.get('$filter')).not.toMatch(/ lt /);
    expect(alertReads[1].query.get('$filter')).toMatch(/createdDateTime ge .* and .*createdDateTime lt /);

    const before = api.requests.length;
    await client.listIncidents({ updatedSince: since, expandAlerts: true });
    expect(api.requests.slice(before).filter((r) => r.query.get('$expand'))).toHaveLength(0);
    expect(logger.warnings.map((w) => w.message)).toEqual(['$expand=alerts with $filter failed; alerts read apart']);
  });

  it('read apart, incidents of a list cut short still come with their alerts before the error', async () => {
    api = await graphIncidents(120, { expandFails: true, countOverstated: 5 });
    const read: number[] = [];
    const error = await (async () => {
      const stream = clientFor(api!).streamIncidents({ updatedSince: new Date(0), expandAlerts: true });
      for await (const page of stream) read.push(...page.map((i) => i.alerts?.length ?? -1));
    })().catch((e: unknown) => e);
    expect(read).toHaveLength(120);
    expect(read.every((n) => n === 2)).toBe(true);
    expect(error).toBeInstanceOf(PagingError);
  });

  it('without a $filter, $expand=alerts is kept', async () => {
    api = await graphIncidents(10, { expandFails: true });
    await clientFor(api).listIncidents({ expandAlerts: true });
    expect(api.requests[0].query.get('$expand')).toBe('alerts');
    expect(api.requests).toHaveLength(1);
  });
});
