// The metrics endpoint: GET /metrics (Prometheus text), /healthz (200 while the agent runs), /readyz
// (200 while its Ready condition is True). Nothing else; no request body is read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findCondition } from '../status/model.ts';
import { formatAddress, type ListenAddress } from './address.ts';
import type { AgentView } from './observer.ts';
import type { AgentMetrics } from './prometheus.ts';

export interface MetricsServer {
  /** The bound address, e.g. 127.0.0.1:9464 (the real port when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

export async function serveMetrics(listen: ListenAddress, metrics: AgentMetrics, view: AgentView): Promise<MetricsServer> {
  metrics.attach(view);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    if (path === '/healthz') return view.running() ? reply(200, 'ok\n') : reply(503, 'stopping\n');
    if (path === '/readyz') {
      const ready = findCondition(view.status(), 'Ready');
      return ready?.status === 'True' ? reply(200, 'ready\n') : reply(503, `not ready: ${ready?.reason ?? 'Unknown'}\n`);
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then((text) => reply(200, text, metrics.registry.contentType), () => reply(500, 'collecting metrics failed\n'));
      return;
    }
    reply(404, 'not found: try /metrics, /healthz or /readyz\n');
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus' scrape interval keeps one connection
  await listenOn(server, listen);
  const bound = server.address() as AddressInfo;
  return {
    address: formatAddress(bound.address, bound.port),
    close: () => new Promise((resolve) => { server.close(() => { resolve(); }); server.closeAllConnections(); }),
  };
}

function listenOn(server: Server, listen: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => { server.off('error', reject); resolve(); });
  });
}
