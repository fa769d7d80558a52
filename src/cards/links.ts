/**
 * The only source of URLs in cards: Defender portal pages built from ids on `ctx.portalUrl`.
 *
 * A URL that came with Defender data (`incidentWebUrl`, …) is used only when it is https on the portal's own
 * host; anything else falls back to the page built from the id.
 */
import type { CardContext } from './views';

/** A Defender portal page. */
export type PortalPage =
  | { page: 'incident'; id: string }
  | { page: 'alert'; id: string }
  | { page: 'device'; id: string }
  | { page: 'incidents' }
  | { page: 'alerts' }
  | { page: 'devices' }
  | { page: 'actionCenterPending' }
  | { page: 'actionCenterHistory' }
  | { page: 'secureScore' }
  | { page: 'recommendations' }
  | { page: 'threatAnalytics' };

/** The portal base URL without a trailing slash; throws when `ctx.portalUrl` is not an http(s) URL. */
function portalBase(ctx: Pick<CardContext, 'portalUrl'>): URL {
  let base: URL;
  try {
    base = new URL(ctx.portalUrl);
  } catch {
    throw new Error(`portalUrl is not a URL: ${JSON.stringify(ctx.portalUrl)}`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new Error(`portalUrl must be an http(s) URL: ${JSON.stringify(ctx.portalUrl)}`);
  }
  return base;
}

function pagePath(target: PortalPage): string {
  const id = 'id' in target ? encodeURIComponent(target.id) : '';
  switch (target.page) {
    case 'incident':
      return `/incidents/${id}`;
    case 'alert':
      return `/alerts/${id}`;
    case 'device':
      return `/machines/${id}/overview`;
    case 'incidents':
      return '/incidents';
    case 'alerts':
      return '/alerts';
    case 'devices':
      return '/machines';
    case 'actionCenterPending':
      return '/action-center/pending';
    case 'actionCenterHistory':
      return '/action-center/history';
    case 'secureScore':
      return '/securescore';
    case 'recommendations':
      return '/security-recommendations';
    case 'threatAnalytics':
      return '/threatanalytics3';
  }
}

/** The portal URL of a page, with its id URL-encoded. */
export function portalLink(ctx: Pick<CardContext, 'portalUrl'>, target: PortalPage): string {
  const base = portalBase(ctx);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${pagePath(target)}`;
}

/** A Defender-supplied web URL if it is https on the portal host, else the page built from the id. */
export function defenderLink(
  ctx: Pick<CardContext, 'portalUrl'>,
  webUrl: string | undefined,
  fallback: PortalPage,
): string {
  if (webUrl) {
    try {
      const url = new URL(webUrl);
      if (url.protocol === 'https:' && url.host === portalBase(ctx).host && !url.username && !url.password) {
        return url.href;
      }
    } catch {
      // Not a URL: use the page built from the id.
    }
  }
  return portalLink(ctx, fallback);
}
