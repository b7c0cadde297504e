// Autodiscover as Microsoft documents it for a client outside the domain ("Autodiscover for Exchange",
// "Generate a list of Autodiscover endpoints", "Handling Autodiscover error messages"):
//   1. https://<domain>/autodiscover/autodiscover.xml, then https://autodiscover.<domain>/…, authenticated;
//   2. an unauthenticated GET of http://autodiscover.<domain>/autodiscover/autodiscover.xml whose 302 is
//      followed only to https (no credential ever goes over http);
//   3. DNS SRV _autodiscover._tcp.<domain>: the records on port 443 with the best priority and weight.
// Each endpoint is asked in POX, and in SOAP GetUserSettings when it does not offer POX. RedirectAddr
// starts over with the new address (not with the same one); RedirectUrl and HTTP 301/302 are followed to
// https URLs only; after 10 redirections it stops. A URL that failed for an address is not asked again for
// it. The error lists every URL tried and why, and the redirections followed.
import { AgentError, ErrorCodes } from '../../../errors.ts';
import type { HttpClient } from '../../../http/client.ts';
import { deadline } from '../../../deadline.ts';
import type { HttpResponse } from '../../../http/exchange.ts';
import type { SrvAnswer } from '../../../http/resolver.ts';
import type { Answer } from './answer.ts';
import { poxAnswer, poxRequest } from './pox.ts';
import { SOAP_ACTION, soapAnswer, soapRequest, soapUrlOf } from './soap.ts';

export const MAX_REDIRECTIONS = 10;

export interface DiscoverDeps {
  client: HttpClient;
  timeoutMs: number;
  signal?: AbortSignal;
  resolveSrv: (service: string) => Promise<SrvAnswer[]>;
}

export interface Discovered {
  /** EWS URLs, preferred first: the external one (EXPR, ExternalEwsUrl), then the internal one (EXCH). */
  ewsUrls: string[];
  /** The address the settings were given for (another one after a RedirectAddr). */
  address: string;
  /** The Autodiscover URL that answered. */
  via: string;
}

type Step =
  | { kind: 'found'; ewsUrls: string[]; via: string }
  | { kind: 'redirectAddr'; address: string; at: string };

const XML = { 'Content-Type': 'text/xml; charset=utf-8' };

export function autodiscover(email: string, deps: DiscoverDeps): Promise<Discovered> {
  return new Discovery(email, deps).run();
}

class Discovery {
  private readonly tried: string[] = [];
  private readonly hops: string[] = [];
  private readonly failed = new Set<string>();
  private permanent = false;

  private readonly email: string;
  private readonly deps: DiscoverDeps;

  constructor(email: string, deps: DiscoverDeps) {
    this.email = email;
    this.deps = deps;
  }

  async run(): Promise<Discovered> {
    let address = this.email;
    for (;;) {
      const step = await this.forAddress(address);
      if (step?.kind === 'found') return { ewsUrls: step.ewsUrls, address, via: step.via };
      if (!step) throw this.failure(`autodiscover found no EWS URL for ${this.email}`);
      this.hop(`RedirectAddr ${address} → ${step.address} (${step.at})`);
      address = step.address;
    }
  }

  private async forAddress(address: string): Promise<Step | undefined> {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    for (const origin of [`https://${domain}`, `https://autodiscover.${domain}`]) {
      const step = await this.tryUrl(new URL('/autodiscover/autodiscover.xml', origin), address);
      if (step) return step;
    }
    const moved = await this.httpRedirect(domain);
    if (moved) {
      const step = await this.tryUrl(moved, address);
      if (step) return step;
    }
    for (const url of await this.srvUrls(domain)) {
      const step = await this.tryUrl(url, address);
      if (step) return step;
    }
    return undefined;
  }

  private async tryUrl(url: URL, address: string): Promise<Step | undefined> {
    const key = `${address.toLowerCase()} ${url.href.toLowerCase()}`;
    if (this.failed.has(key)) return undefined;
    const answer = await this.ask(url, address);
    const fail = (reason: string, permanent = false): undefined => {
      this.tried.push(`${url.href}${address === this.email ? '' : ` (for ${address})`}: ${reason}`);
      this.failed.add(key);
      if (permanent) this.permanent = true;
      return undefined;
    };
    switch (answer.kind) {
      case 'settings':
        return { kind: 'found', ewsUrls: [...new Set([answer.external, answer.internal].filter((u): u is string => !!u))], via: url.href };
      case 'redirectAddr':
        if (answer.address.toLowerCase() === address.toLowerCase()) return fail(`redirects to the address asked for (${answer.address}): ignored`);
        return { kind: 'redirectAddr', address: answer.address, at: url.href };
      case 'redirectUrl': {
        const target = URL.canParse(answer.url, url.href) ? new URL(answer.url, url) : undefined;
        if (target?.protocol !== 'https:') return fail(`${answer.how} to ${answer.url} not followed: not an https URL`, true);
        this.hop(`${answer.how} ${url.href} → ${target.href}`);
        return this.tryUrl(target, address);
      }
      case 'failed':
        return fail(answer.reason, answer.permanent);
      case 'unsupported':
        return fail(answer.reason);
    }
  }

  /** One endpoint in POX, then in SOAP when POX is not what it offers (a .svc URL: SOAP only). */
  private async ask(url: URL, address: string): Promise<Answer> {
    if (/\.svc$/i.test(url.pathname)) return this.answerOf(await this.post(url, soapRequest(address, url), { ...XML, SOAPAction: SOAP_ACTION }), url, soapAnswer);
    const pox = this.answerOf(await this.post(url, poxRequest(address), XML), url, poxAnswer);
    if (pox.kind !== 'unsupported') return pox;
    const soapUrl = soapUrlOf(url);
    const soap = this.answerOf(await this.post(soapUrl, soapRequest(address, soapUrl), { ...XML, SOAPAction: SOAP_ACTION }), soapUrl, soapAnswer);
    return soap.kind === 'unsupported' ? { kind: 'failed', reason: `POX: ${pox.reason}; SOAP: ${soap.reason}`, permanent: false } : soap;
  }

  private answerOf(response: HttpResponse | AgentError, url: URL, parse: (body: string) => Answer): Answer {
    if (response instanceof AgentError) return { kind: 'failed', reason: `${response.code}: ${response.message}`, permanent: !response.transient };
    const { status } = response;
    const location = response.headers.location;
    if ((status === 301 || status === 302 || status === 307 || status === 308) && location) return { kind: 'redirectUrl', url: location, how: `HTTP ${status}` };
    if (status === 200) return parse(response.body.toString('utf8'));
    // One 401 is not proof the password is wrong (the next URL may take it), but it is no reason to retry either.
    if (status === 401) return { kind: 'failed', reason: 'HTTP 401 (credentials refused)', permanent: true };
    if (status === 404 || status === 405 || status === 501) return { kind: 'unsupported', reason: `HTTP ${status} at ${url.href}` };
    return { kind: 'failed', reason: `HTTP ${status}`, permanent: false };
  }

  private async post(url: URL, body: Buffer, headers: Record<string, string>, credentials = true): Promise<HttpResponse | AgentError> {
    const bound = deadline(this.deps.timeoutMs, this.deps.signal);
    try {
      return await this.deps.client.request({ method: credentials ? 'POST' : 'GET', url, headers, body, signal: bound.signal, ...(credentials ? {} : { anonymous: true }) });
    } catch (error) {
      if (this.deps.signal?.aborted) throw error;
      return error instanceof AgentError ? error : new AgentError(ErrorCodes.ConnectionFailed, 'request failed', { transient: true, cause: error });
    } finally {
      bound.dispose();
    }
  }

  /** The unauthenticated GET on plain HTTP: only a redirect to https counts. */
  private async httpRedirect(domain: string): Promise<URL | undefined> {
    const url = new URL(`http://autodiscover.${domain}/autodiscover/autodiscover.xml`);
    const response = await this.post(url, Buffer.alloc(0), {}, false);
    const note = (reason: string): undefined => { this.tried.push(`${url.href} (GET, no credentials): ${reason}`); return undefined; };
    if (response instanceof AgentError) return note(`${response.code}: ${response.message}`);
    const location = response.headers.location;
    if ((response.status !== 301 && response.status !== 302) || !location) return note(`HTTP ${response.status}, no redirect`);
    const target = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
    if (target?.protocol !== 'https:') return note(`redirect to ${location} not followed: not an https URL`);
    this.hop(`HTTP ${response.status} ${url.href} → ${target.href}`);
    return target;
  }

  /** SRV _autodiscover._tcp.<domain>: https://<target>/autodiscover/autodiscover.xml for the best records on port 443. */
  private async srvUrls(domain: string): Promise<URL[]> {
    const name = `_autodiscover._tcp.${domain}`;
    let records: SrvAnswer[];
    try {
      records = await this.deps.resolveSrv(name);
    } catch (error) {
      this.tried.push(`SRV ${name}: ${(error as NodeJS.ErrnoException).code ?? 'lookup failed'}`);
      return [];
    }
    const usable = records.filter((r) => r.port === 443);
    for (const r of records.filter((x) => x.port !== 443)) this.tried.push(`SRV ${name} → ${r.name}:${r.port}: ignored (not port 443, an SSL endpoint)`);
    if (usable.length === 0) {
      if (records.length === 0) this.tried.push(`SRV ${name}: no records`);
      return [];
    }
    const priority = Math.min(...usable.map((r) => r.priority));
    const best = usable.filter((r) => r.priority === priority);
    const weight = Math.max(...best.map((r) => r.weight));
    return best.filter((r) => r.weight === weight).map((r) => new URL(`https://${r.name}/autodiscover/autodiscover.xml`));
  }

  private hop(what: string): void {
    if (this.hops.length >= MAX_REDIRECTIONS) {
      this.permanent = true;
      throw this.failure(`autodiscover for ${this.email} stopped after ${MAX_REDIRECTIONS} redirections (the next was ${what})`);
    }
    this.hops.push(what);
  }

  private failure(headline: string): AgentError {
    const hops = this.hops.length ? `; redirections followed: ${this.hops.map((h, i) => `${i + 1}) ${h}`).join(', ')}` : '';
    const tried = this.tried.length ? `; tried ${this.tried.join('; ')}` : '';
    return new AgentError(ErrorCodes.AutodiscoverFailed, `${headline}${hops}${tried}`, { transient: !this.permanent });
  }
}
