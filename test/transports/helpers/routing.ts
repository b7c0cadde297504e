// Routes made-up domains to the sandbox: a DNS override (TransportDeps.lookup) sends the names to a
// loopback address, where a TCP forwarder on port 443 (the port autodiscover and `server:` URLs imply)
// relays to the sandbox's real port. Needs root for port 443, as the test machine runs.
import net from 'node:net';
import type { TransportDeps } from '../../../agent/transports/factory-contract.ts';

export interface Forwarder {
  address: string;
  /** TCP connections accepted so far: what the network saw, independent of the client's own counts. */
  readonly connections: number;
  /** Client connections still open. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startForwarder(targetPort: number): Promise<Forwarder> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const address = `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const sockets = new Set<net.Socket>();
    let connections = 0;
    let open = 0;
    const server = net.createServer((client) => {
      connections += 1;
      open += 1;
      client.once('close', () => { open -= 1; });
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(443, address, () => resolve(undefined));
    });
    if (failure?.code === 'EACCES') throw new Error('binding port 443 needs root (or CAP_NET_BIND_SERVICE) for these tests');
    if (failure) continue;
    return {
      address,
      get connections() { return connections; },
      get open() { return open; },
      close: () => new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    };
  }
  throw new Error('no free loopback address for port 443');
}

/** A lookup answering `names` with `address` and everything else with ENOTFOUND. */
export function lookupFor(names: readonly string[], address: string): NonNullable<TransportDeps['lookup']> {
  const lookup = (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void): void => {
    const all = (options as { all?: boolean }).all === true;
    if (!names.includes(hostname.toLowerCase())) {
      const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      process.nextTick(() => callback(error, all ? [] : '', 4));
      return;
    }
    process.nextTick(() => (all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4)));
  };
  return lookup as NonNullable<TransportDeps['lookup']>;
}
