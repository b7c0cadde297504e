// TLS trust for a transport's connections (EWS, Graph, SMTP): `caFile` adds a trust anchor to Node's
// defaults (it does not replace them).
// One SecureContext per transport, shared by its sockets: passing `ca: [...rootCertificates, pem]` made
// every new socket parse Node's ~140 PEM roots again (docs/performance.md, "TLS trust").
// Node's default context shares its already-parsed root store; addCACert copies that store and adds the
// extra anchor — what the `ca` option itself does per certificate, minus re-parsing the roots.
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { AgentError, ErrorCodes } from '../errors.ts';

interface NativeContext {
  addCACert(pem: string): void;
}

export async function trustContext(caFile: string | undefined): Promise<SecureContext> {
  const context = createSecureContext({});
  if (caFile === undefined) return context;
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (error) {
    throw new AgentError(ErrorCodes.CertificateRejected, 'the caFile cannot be read', { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AgentError(ErrorCodes.CertificateRejected, 'the caFile holds no PEM certificate');
  }
  try {
    (context.context as NativeContext).addCACert(pem);
  } catch (error) {
    throw new AgentError(ErrorCodes.CertificateRejected, 'the caFile holds no usable certificate', { cause: error });
  }
  return context;
}
