// SPNEGO (RFC 4178) tokens as HTTP Negotiate carries them (RFC 4559): the initiator's first token is a
// GSS-API InitialContextToken wrapping a NegTokenInit; every later token, both ways, is a NegTokenResp.
// Only what NTLM inside SPNEGO needs: mechanism lists, the mechanism token, negState, mechListMIC.
import { children, decodeOid, DerError, encodeOid, octets as octetString, readDer, tlv } from '../der.ts';

export const Oids = {
  spnego: '1.3.6.1.5.5.2',
  ntlm: '1.3.6.1.4.1.311.2.2.10',
  kerberos: '1.2.840.113554.1.2.2',
  kerberosMs: '1.2.840.48018.1.2.2',
} as const;

export const NegState = { acceptCompleted: 0, acceptIncomplete: 1, reject: 2, requestMic: 3 } as const;

export interface NegTokenInit {
  mechTypes: string[];
  /** The DER of the MechTypeList as received: what the mechListMIC covers. */
  mechTypesDer: Buffer;
  mechToken?: Buffer;
  mechListMIC?: Buffer;
}

export interface NegTokenResp {
  negState?: number;
  supportedMech?: string;
  responseToken?: Buffer;
  mechListMIC?: Buffer;
}

export type NegotiationToken = { init: NegTokenInit } | { resp: NegTokenResp };

/** The MechTypeList (SEQUENCE OF OID) in DER. */
export function mechTypeList(mechTypes: readonly string[]): Buffer {
  return tlv(0x30, ...mechTypes.map(encodeOid));
}

export function encodeNegTokenInit(mechTypes: readonly string[], mechToken?: Buffer): Buffer {
  const fields = [tlv(0xa0, mechTypeList(mechTypes)), ...(mechToken ? [tlv(0xa2, tlv(0x04, mechToken))] : [])];
  return tlv(0x60, encodeOid(Oids.spnego), tlv(0xa0, tlv(0x30, ...fields)));
}

export function encodeNegTokenResp(resp: NegTokenResp): Buffer {
  const fields: Buffer[] = [];
  if (resp.negState !== undefined) fields.push(tlv(0xa0, tlv(0x0a, Buffer.from([resp.negState]))));
  if (resp.supportedMech !== undefined) fields.push(tlv(0xa1, encodeOid(resp.supportedMech)));
  if (resp.responseToken !== undefined) fields.push(tlv(0xa2, tlv(0x04, resp.responseToken)));
  if (resp.mechListMIC !== undefined) fields.push(tlv(0xa3, tlv(0x04, resp.mechListMIC)));
  return tlv(0xa1, tlv(0x30, ...fields));
}

function octets(field: Buffer): Buffer {
  return Buffer.from(octetString(readDer(field)));
}

function decodeInit(body: Buffer): NegTokenInit {
  const seq = readDer(body);
  if (seq.tag !== 0x30) throw new DerError('NegTokenInit is not a SEQUENCE');
  const token: NegTokenInit = { mechTypes: [], mechTypesDer: Buffer.alloc(0) };
  for (const field of children(seq.body)) {
    if (field.tag === 0xa0) {
      const list = readDer(field.body);
      if (list.tag !== 0x30) throw new DerError('mechTypes is not a SEQUENCE');
      token.mechTypesDer = Buffer.from(list.raw);
      token.mechTypes = children(list.body).map((oid) => {
        if (oid.tag !== 0x06) throw new DerError('mechTypes holds a non-OID');
        return decodeOid(oid.body);
      });
    } else if (field.tag === 0xa2) token.mechToken = octets(field.body);
    else if (field.tag === 0xa3) token.mechListMIC = octets(field.body);
  }
  return token;
}

function decodeResp(body: Buffer): NegTokenResp {
  const seq = readDer(body);
  if (seq.tag !== 0x30) throw new DerError('NegTokenResp is not a SEQUENCE');
  const token: NegTokenResp = {};
  for (const field of children(seq.body)) {
    if (field.tag === 0xa0) {
      const state = readDer(field.body);
      if (state.tag !== 0x0a || state.body.length !== 1) throw new DerError('negState is not an ENUMERATED');
      token.negState = state.body[0];
    } else if (field.tag === 0xa1) {
      const oid = readDer(field.body);
      if (oid.tag !== 0x06) throw new DerError('supportedMech is not an OID');
      token.supportedMech = decodeOid(oid.body);
    } else if (field.tag === 0xa2) token.responseToken = octets(field.body);
    else if (field.tag === 0xa3) token.mechListMIC = octets(field.body);
  }
  return token;
}

/** A Negotiate token: the initial (0x60-wrapped) NegTokenInit or a NegTokenResp. Throws DerError when neither. */
export function decodeNegotiationToken(bytes: Buffer): NegotiationToken {
  const outer = readDer(bytes);
  if (outer.tag === 0x60) {
    const oid = readDer(outer.body);
    if (oid.tag !== 0x06 || decodeOid(oid.body) !== Oids.spnego) throw new DerError('not an SPNEGO token');
    const choice = readDer(outer.body, oid.raw.length);
    if (choice.tag !== 0xa0) throw new DerError('expected a NegTokenInit');
    return { init: decodeInit(choice.body) };
  }
  if (outer.tag === 0xa0) return { init: decodeInit(outer.body) };
  if (outer.tag === 0xa1) return { resp: decodeResp(outer.body) };
  throw new DerError('not a NegotiationToken');
}

/** Does this token start like a raw NTLMSSP message (what some clients send under the Negotiate label)? */
export function isRawNtlm(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.subarray(0, 8).toString('latin1') === 'NTLMSSP\0';
}
