// What an injected fault looks like on the wire.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { FaultKind } from '../faults.ts';
import { faultXml, Faults } from '../soap/faults.ts';

const XML = 'text/xml; charset=utf-8';

const HTML_500 = '<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in \'/EWS\' Application.</h1>' +
  '<h2><i>Runtime Error</i></h2><p>An application error occurred on the server.</p></body></html>';
const HTML_503 = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd"><HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD>' +
  '<BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>';

/** A TCP RST where the socket is plain TCP; TLS sockets cannot reset, so they are cut off instead. */
export function reset(socket: Socket | null): void {
  if (!socket) return;
  const raw = socket instanceof TLSSocket ? (socket as TLSSocket & { _parent?: Socket })._parent : socket;
  try {
    (raw ?? socket).resetAndDestroy();
  } catch {
    socket.destroy();
  }
  socket.destroy();
}

/** Answers (or, for `stall`, deliberately does not answer) with the injected fault. */
export function sendInjected(res: ServerResponse, kind: FaultKind, backoffMs: number, okXml: () => string): void {
  switch (kind) {
    case 'busy': {
      const body = faultXml(Faults.serverBusy(backoffMs));
      res.writeHead(500, { 'content-type': XML, 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    case 'connlimit': {
      const body = faultXml(Faults.exceededConnectionCount(27));
      res.writeHead(500, { 'content-type': XML, 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    case 'unknowncode': {
      // A whole-request SOAP fault with a code no client knows: says nothing about the items in it.
      const body = faultXml({ code: 'ErrorSandboxUnknownFailure', message: 'The sandbox failed this request with a code it made up.' });
      res.writeHead(500, { 'content-type': XML, 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    case 'internal200': {
      // router.ts answers it when it can read the operation; this is the fallback for a request it cannot.
      const body = faultXml(Faults.serverBusy(backoffMs));
      res.writeHead(500, { 'content-type': XML, 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    case 'unavailable':
      res.writeHead(503, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HTML_503) }).end(HTML_503);
      return;
    case 'html500':
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(HTML_500) }).end(HTML_500);
      return;
    case 'badxml': {
      const full = okXml();
      const cut = full.slice(0, Math.floor(full.length / 2));
      res.writeHead(200, { 'content-type': XML, 'content-length': Buffer.byteLength(cut) }).end(cut);
      return;
    }
    case 'reset': {
      const full = okXml();
      res.writeHead(200, { 'content-type': XML, 'content-length': Buffer.byteLength(full) });
      res.write(full.slice(0, Math.floor(full.length / 3)), () => reset(res.socket));
      return;
    }
    case 'expired':
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token", error_description="the token is expired"', 'content-length': 0 }).end();
      return;
    case 'stall':
      return;
  }
}
