// prom-client is loaded only when --metrics-addr is given: an agent without metrics pays nothing for it.
import type { AgentMetrics } from './prometheus.ts';

export async function loadMetrics(): Promise<{ metrics: AgentMetrics; serve: typeof import('./server.ts').serveMetrics }> {
  const [{ AgentMetrics: Metrics }, { serveMetrics }] = await Promise.all([import('./prometheus.ts'), import('./server.ts')]);
  return { metrics: new Metrics(), serve: serveMetrics };
}
