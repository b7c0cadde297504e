// The metrics side of `mail-agent run`: the observer exists before the agent (it is wired into it), the
// endpoint is bound once the agent holds its state-dir lock (a refused second agent binds nothing).
import type { ListenAddress } from './address.ts';
import { loadMetrics } from './load.ts';
import type { AgentObserver, AgentView } from './observer.ts';
import type { MetricsServer } from './server.ts';

export interface RunningMetrics {
  observer: AgentObserver;
  /** Binds and serves; resolves to the bound address. */
  serve(view: AgentView): Promise<string>;
  close(): Promise<void>;
}

export async function startMetrics(listen: ListenAddress): Promise<RunningMetrics> {
  const { metrics, serve } = await loadMetrics();
  let server: MetricsServer | undefined;
  return {
    observer: metrics,
    async serve(view) {
      server = await serve(listen, metrics, view);
      return server.address;
    },
    close: async () => { await server?.close(); },
  };
}
