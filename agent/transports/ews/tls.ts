// TLS trust for the EWS connection: `caFile` adds a trust anchor to Node's defaults (it does not replace them).
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { AgentError, ErrorCodes } from '../../errors.ts';

export async function trustAnchors(caFile: string | undefined): Promise<string[] | undefined> {
  if (caFile === undefined) return undefined;
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (error) {
    throw new AgentError(ErrorCodes.CertificateRejected, 'the caFile cannot be read', { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AgentError(ErrorCodes.CertificateRejected, 'the caFile holds no PEM certificate');
  }
  return [...rootCertificates, pem];
}
