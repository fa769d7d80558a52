import { defenderLink, portalLink, type PortalPage } from '../../../src/cards/links';
import { cardContext } from '../../helpers/cardFixtures';

const ctx = cardContext({ portalUrl: 'https://security.microsoft.com/' });

describe('portalLink', () => {
  it.each<[PortalPage, string]>([
    [{ page: 'incident', id: '1042' }, '/incidents/1042'],
    [{ page: 'alert', id: 'da63_1' }, '/alerts/da63_1'],
    [{ page: 'device', id: 'abc' }, '/machines/abc/overview'],
    [{ page: 'actionCenterPending' }, '/action-center/pending'],
    [{ page: 'actionCenterHistory' }, '/action-center/history'],
    [{ page: 'secureScore' }, '/securescore'],
    [{ page: 'recommendations' }, '/security-recommendations'],
    [{ page: 'threatAnalytics' }, '/threatanalytics3'],
    [{ page: 'incidents' }, '/incidents'],
  ])('builds %j on the portal URL', (page, path) => {
    expect(portalLink(ctx, page)).toBe(`https://security.microsoft.com${path}`);
  });

  it('URL-encodes ids, so an id cannot leave its path segment', () => {
    expect(portalLink(ctx, { page: 'incident', id: '../x?y#z' })).toBe(
      'https://security.microsoft.com/incidents/..%2Fx%3Fy%23z',
    );
  });

  it('refuses a portal URL that is not http(s)', () => {
    const scriptPortal = cardContext({ portalUrl: 'javascript:alert(1)' });
    expect(() => portalLink(scriptPortal, { page: 'secureScore' })).toThrow('http(s)');
    expect(() => portalLink(cardContext({ portalUrl: 'not a url' }), { page: 'secureScore' })).toThrow('not a URL');
  });
});

describe('defenderLink', () => {
  const fallback: PortalPage = { page: 'incident', id: '7' };

  it('keeps a Defender web URL that is https on the portal host', () => {
    const url = 'https://security.microsoft.com/incidents/7?tid=contoso';
    expect(defenderLink(ctx, url, fallback)).toBe(url);
  });

  it.each([
    'http://security.microsoft.com/incidents/7',
    'https://evil.example/incidents/7',
    'https://security.microsoft.com.evil.example/incidents/7',
    'https://user:pw@security.microsoft.com/incidents/7',
    'javascript:alert(1)',
    'not a url',
  ])('replaces %s by the page built from the id', (url) => {
    expect(defenderLink(ctx, url, fallback)).toBe('https://security.microsoft.com/incidents/7');
  });
});
