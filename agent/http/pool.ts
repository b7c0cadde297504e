// Bounded keep-alive connections to one origin. Each connection is its own Agent with a single socket, so
// consecutive requests on a connection share one TCP/TLS socket: the unit NTLM authenticates. A request
// borrows a whole connection and returns it, so at most `size` sockets are ever open.
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, type SecureContext } from 'node:tls';
import { AgentError, ErrorCodes } from '../errors.ts';
import { abortError } from './errors.ts';
import type { ConnectTarget } from './resolver.ts';

const idleSocketMs = 55_000;
const closedError = (): AgentError => new AgentError(ErrorCodes.ConnectionFailed, 'the transport is closed');

export interface ConnectionOptions {
  https: boolean;
  /** TLS trust (ignored for http). */
  rejectUnauthorized: boolean;
  secureContext?: SecureContext;
  lookup?: http.AgentOptions['lookup'];
  /** Connect here instead of the URL's host and port (the resolver's override); TLS still checks the URL's host. */
  connectTo?: ConnectTarget;
}

export interface Connection {
  readonly agent: http.Agent;
  /** The socket that completed an NTLM handshake, while it stays open. */
  authenticated?: Socket;
}

export class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly all: Connection[] = [];
  private readonly waiters: { resolve: (connection: Connection) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  private readonly options: ConnectionOptions;
  private readonly size: number;
  private readonly host: string;

  constructor(options: ConnectionOptions, size: number, host: string) {
    this.options = options;
    this.size = size;
    this.host = host;
  }

  acquire(signal: AbortSignal): Promise<Connection> {
    if (this.closed) return Promise.reject(closedError());
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    if (this.all.length < this.size) {
      const created: Connection = { agent: this.createAgent() };
      this.all.push(created);
      return Promise.resolve(created);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(abortError(signal.reason, this.host));
      };
      const waiter = {
        resolve: (connection: Connection): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(connection);
        },
        reject: (error: Error): void => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(connection: Connection): void {
    const next = this.waiters.shift();
    if (next) next.resolve(connection);
    else this.idle.push(connection);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(closedError());
    for (const connection of this.all) connection.agent.destroy();
    this.all.length = 0;
    this.idle.length = 0;
  }

  private createAgent(): http.Agent {
    // timeout: an idle socket is closed by us before IIS's 120 s idle limit closes it under a request
    // (Node also honours a shorter Keep-Alive: timeout= from the server).
    const common = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: idleSocketMs, lookup: this.options.lookup };
    const agent = this.options.https
      ? new https.Agent({ ...common, rejectUnauthorized: this.options.rejectUnauthorized, secureContext: this.options.secureContext })
      : new http.Agent(common);
    if (this.options.connectTo) redirectConnections(agent, this.options.connectTo, this.host, this.options.https);
    return agent;
  }
}

/** Makes the agent's sockets go to `target` while the request, SNI and certificate check keep the URL's host. */
function redirectConnections(agent: http.Agent, target: ConnectTarget, urlHost: string, tls: boolean): void {
  const hostname = urlHost.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const create = agent.createConnection.bind(agent) as (options: object, callback?: unknown) => Socket;
  const moved = {
    host: target.address, port: target.port,
    ...(tls ? {
      servername: isIP(hostname) ? '' : hostname, // no SNI for an address, as Node does
      checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) => checkServerIdentity(hostname, cert),
    } : {}),
  };
  (agent as { createConnection: unknown }).createConnection = (options: object, callback?: unknown) => create({ ...options, ...moved }, callback);
}
