/**
 * A pass-through HTTP proxy in front of the simulated tenant that knows which requests are in flight right now.
 *
 * The simulator logs a request when its answer is sent; a test that must act while the bot is still waiting on
 * Defender (SIGTERM during a slow call) points `SIMULATOR_URL` here and waits for `inFlight(...)` instead.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';

/** A request the proxy is forwarding. */
export interface ProxiedRequest {
  method: string;
  path: string;
}

/** A running proxy. */
export interface WatchingProxy {
  url: string;
  /** Requests forwarded and not answered yet. */
  inFlight(): ProxiedRequest[];
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards everything to `target` (an http:// base URL). */
export async function startWatchingProxy(target: string): Promise<WatchingProxy> {
  const upstream = new URL(target);
  const open = new Set<ProxiedRequest>();
  const server: Server = createServer((req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    open.add(entry);
    res.once('close', () => open.delete(entry));
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        // The Host header is kept, so the simulator's next links point back through the proxy.
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    inFlight: () => [...open],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
