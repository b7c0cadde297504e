// Autodiscover (filled in next): SOAP GetUserSettings and POX.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouterState } from '../http/router.ts';

export function autodiscoverSoap(_state: RouterState, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(404).end();
  return Promise.resolve();
}

export function autodiscoverPox(_state: RouterState, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(404).end();
  return Promise.resolve();
}
