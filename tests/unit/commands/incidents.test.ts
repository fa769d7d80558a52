/**
 * `show incidents`: open incidents only — active, in progress, awaiting action — never a merged (redirected) one even
 * when the API returns it, and a list Defender could not give whole is said to be incomplete.
 */
import { incidents } from '../../../src/commands/incidents';
import { PagingError } from '../../../src/defender/errors';
import type { Incident } from '../../../src/defender/models';
import { cardText } from '../../helpers/recordingConnector';
import { quietTenant, testServices } from '../digest/fixtures';

function incident(id: string, status: string, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    displayName: `Incident ${id}`,
    description: '',
    createdDateTime: `2025-06-0${id}T08:00:00Z`,
    lastUpdateDateTime: `2025-06-0${id}T09:00:00Z`,
    severity: 'high',
    status,
    incidentWebUrl: undefined,
    assignedTo: undefined,
    classification: undefined,
    determination: undefined,
    redirectIncidentId: undefined,
    alerts: [],
    ...extra,
  };
}

test('asks for the open statuses only, and never lists a redirected incident even if the API returns one', async () => {
  const asked: unknown[] = [];
  const defender = quietTenant({
    streamIncidents: (query: unknown) => {
      asked.push(query);
      return [
        [
          incident('1', 'active'),
          incident('2', 'redirected', { redirectIncidentId: '3' }),
          incident('3', 'inProgress'),
          incident('4', 'awaitingAction'),
          incident('5', 'resolved'),
        ],
      ];
    },
  });
  const reply = await incidents(testServices({ defender }));
  const text = cardText(reply.cards[0]);
  expect(asked).toEqual([expect.objectContaining({ openOnly: true })]);
  expect(text).toMatch(/Open incidents — all severities \(3\)/);
  for (const id of ['1', '3', '4']) expect(text).toContain(`Incident ${id}`);
  expect(text).not.toContain('Incident 2');
  expect(text).not.toContain('Incident 5');
});

test('a list cut short after a page is shown as incomplete, with what was read', async () => {
  const defender = quietTenant({
    streamIncidents: () =>
      (async function* () {
        yield [incident('1', 'active')];
        throw new PagingError({
          api: 'graph',
          method: 'GET',
          path: '/v1.0/security/incidents',
          reason: 'count-mismatch',
          pages: 1,
          read: 1,
          expected: 60,
        });
      })(),
  });
  const text = cardText((await incidents(testServices({ defender }))).cards[0]);
  expect(text).toMatch(/Open incidents — all severities \(1\+\)/);
  expect(text).toContain('Incomplete list: Microsoft Graph could not list incidents: only 1 of the 60 items');
  expect(text).toContain('Incident 1');
});
