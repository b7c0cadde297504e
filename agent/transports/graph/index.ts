// Entry point of the Graph transport, imported lazily by ../index.ts.
import type { LoadedConfig } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import { createTokenSource, graphScope } from '../../oauth/index.ts';
import type { TransportDeps } from '../factory-contract.ts';
import { trustContext } from '../tls.ts';
import { GraphApi } from './api.ts';
import { MAILBOX_CONCURRENCY, messagesPerMinute, Pace } from './limits.ts';
import { GraphTransport } from './transport.ts';
import { DEFAULT_SENT_ITEMS_LAG_MS } from './was-sent.ts';

export const defaultTimeoutMs = 30_000;

/** How long Sent Items may take to show a sent message: the transport's wasSentWindowMs (MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS, default 60 s). */
function sentItemsLagMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS);
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_SENT_ITEMS_LAG_MS;
}

export async function createGraphTransport(config: LoadedConfig, deps: TransportDeps = {}): Promise<GraphTransport> {
  const graph = config.settings.graph;
  if (!graph) throw new AgentError(ErrorCodes.SemanticViolation, 'service graph needs a graph section');
  const env = deps.env ?? process.env;
  const timeoutMs = deps.timeoutMs ?? defaultTimeoutMs;
  const tls = { rejectUnauthorized: graph.rejectInvalidCertificates, secureContext: await trustContext(graph.caFile), lookup: deps.lookup };
  const login = new HttpClient({ auth: { kind: 'none' }, ...tls });
  const tokens = createTokenSource(graph.credentials, config.secrets, graphScope(graph.credentials.cloud), login, timeoutMs);
  const http = new HttpClient({ auth: { kind: 'oauth', source: tokens }, maxConnections: MAILBOX_CONCURRENCY, ...tls });
  const api = new GraphApi({
    http, tokens, mailbox: graph.mailbox, timeoutMs,
    // The address as is (an @ is a legal path character), as Graph's own documentation writes it.
    userUrl: `https://${graph.graphHost}/v1.0/users/${encodeURIComponent(graph.mailbox).replace(/%40/g, '@')}`,
    ...(deps.onGraphRequest ? { onRequest: deps.onGraphRequest } : {}),
  });
  return new GraphTransport({ settings: graph, api, tokens, pace: new Pace(messagesPerMinute(env)), clients: [http, login], sentItemsLagMs: sentItemsLagMs(env) });
}
