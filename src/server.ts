/**
 * The HTTP surface: `POST /api/messages` for Teams, `GET /healthz` for probes.
 */
import restify, { type Server } from 'restify';
import type { Logger } from './log';

/** What `/healthz` reports. */
export interface Health {
  status: 'ok' | 'degraded';
  defenderSource: string;
  store: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Options of `createServer`. */
export interface ServerOptions {
  log: Logger;
  /** Handles one Bot Framework request (the adapter). */
  messages(req: restify.Request, res: restify.Response): Promise<void>;
  /** Computes the health report. */
  health(): Promise<Health>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Builds the restify server (not listening yet). */
export function createServer(options: ServerOptions): Server {
  const server = restify.createServer({ name: 'watchstander', handleUncaughtExceptions: false });
  // JSON only: the general body parser would also take multipart uploads, written to the temp dir by formidable
  // before anyone is authenticated.
  // (`maxBodySize` goes to restify 11's body reader; the restify 8 typings do not list it.)
  const jsonOptions = { maxBodySize: MAX_BODY_BYTES, mapParams: false };
  server.use(restify.plugins.jsonBodyParser(jsonOptions));

  server.post('/api/messages', async (req, res) => {
    if (!/^application\/(.+\+)?json$/i.test(req.getContentType())) {
      res.send(415, { error: 'expected a Bot Framework activity as application/json' });
      return;
    }
    const body: unknown = req.body;
    if (
      !body ||
      typeof body !== 'object' ||
      Array.isArray(body) ||
      typeof (body as { type?: unknown }).type !== 'string'
    ) {
      res.send(400, { error: 'expected a Bot Framework activity (a JSON object with a string "type")' });
      return;
    }
    try {
      await options.messages(req, res);
    } catch (err) {
      options.log.error({ err }, 'activity failed');
      if (!res.headersSent) res.send(500, { error: 'the activity could not be processed' });
    }
  });

  server.get('/healthz', async (_req, res) => {
    const health = await options.health();
    res.send(200, health);
  });

  server.on('restifyError', (req, res, err, callback) => {
    options.log.debug({ status: (err as { statusCode?: number }).statusCode, path: req.path() }, String(err.message));
    return callback();
  });
  return server;
}
