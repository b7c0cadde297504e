// The MAPI transport: a long-lived helper process (native/mapi-helper), one request at a time.
//
// "Delivered once": the helper announces "submitting" just before IMessage::SubmitMessage.
// - Lost before that (crash, hang, kill): nothing was submitted — the half-built message was never saved
//   and goes with the process — so the send is retried on a fresh helper.
// - Lost after it: the store may have the message. A fresh helper looks for its Message-ID in Sent Items
//   and the Outbox (`find`): found → sent, done; not found → not submitted, retried. When that cannot be
//   told (no copy kept in Sent Items, or `find` fails) the send fails with HelperFailed /
//   SubmitOutcomeUnknown, not transient: at most once rather than a possible duplicate.
import { AgentError, ErrorCodes, toAgentError } from '../../errors.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import { helperErrorToAgentError, helperLostError } from './errors.ts';
import { HelperLostError, HelperProcess, HelperReplyError, type SpawnFn } from './helper-process.ts';
import type { HelloResult, HelperRequest } from './protocol.ts';
import { toSendRequest } from './send-request.ts';

export interface MapiTransportOptions {
  /** The helper's command line (from resolveHelperCommand), or the error saying why there is none. */
  command: string[] | AgentError;
  env: NodeJS.ProcessEnv;
  /** '' = the default profile. */
  profile: string;
  timeoutMs: number;
  /** Extra time for a fresh helper's first request (process start, MAPIInitialize, profile load). */
  startupMs: number;
  saveCopy: boolean;
  spawn?: SpawnFn;
  /** Told about each helper process started (tests kill it mid-send). */
  onHelperSpawn?: (pid: number | undefined) => void;
}

/**
 * What the status file shows: the endpoint is the profile logged on to (the default's real name when
 * `profile: default`); MAPI does not tell the Exchange version, so serverVersion/serverBuild stay empty
 * rather than carrying something else; the client and helper say what sends and through what.
 */
function describeMapi(profile: string, hello: HelloResult): TransportInfo {
  const { client, bits } = hello.provider;
  return {
    service: 'mapi',
    endpoint: profile,
    ...(client ? { client: bits ? `${client}, ${bits}-bit` : client } : {}),
    helper: `${hello.helper} ${hello.version}, ${hello.bits}-bit`,
  };
}

/** Lost before these events: nothing reached the store, a retry cannot duplicate. */
const submitEvent = 'submitting';
const maxAttempts = 3;

/** Lost while submitting and it cannot be told whether the store took the message: never resent. */
function outcomeUnknown(lost: HelperLostError): AgentError {
  return helperLostError(`${lost.message} while submitting: the message may have been sent, so it is not retried`, false, 'SubmitOutcomeUnknown');
}

function cancelledBeforeStart(signal: AbortSignal): AgentError {
  return signal.reason instanceof AgentError
    ? signal.reason
    : new AgentError(ErrorCodes.Timeout, 'the MAPI request was cancelled before it started', { transient: true });
}

export class MapiTransport implements Transport {
  /** One helper, one request at a time: a few queued sends keep it busy. */
  readonly sendConcurrency = 32;
  private helper: HelperProcess | undefined;
  private loggedOnAs: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly options: MapiTransportOptions;

  constructor(options: MapiTransportOptions) {
    this.options = options;
  }

  verify(signal?: AbortSignal): Promise<TransportInfo> {
    return this.serialize(async () => {
      const hello = (await this.call({ cmd: 'hello' }, signal)) as unknown as HelloResult;
      const profile = await this.logon(signal, true);
      return describeMapi(profile, hello);
    }, signal);
  }

  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const sent = { messageId: message.messageId };
    return this.serialize(async () => {
      const request = toSendRequest(message, this.options.saveCopy);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.logon(signal, false);
          await this.call(request, signal);
          return sent;
        } catch (err) {
          if (!(err instanceof HelperLostError)) throw err;
          const submitting = err.events.includes(submitEvent);
          if (err.reason === 'aborted' || attempt >= maxAttempts) throw submitting ? outcomeUnknown(err) : helperLostError(err.message, true);
          if (submitting && await this.submittedBefore(message.messageId, err, signal)) return sent;
          // nothing was submitted: the next attempt runs on a fresh helper
        }
      }
    }, signal);
  }

  /** True when Sent Items or the Outbox hold the message (the lost helper did submit it). */
  wasSent(messageId: string, signal?: AbortSignal): Promise<boolean | undefined> {
    return this.serialize(async () => {
      if (!this.options.saveCopy) return undefined; // no copy kept: absence proves nothing
      return this.find(messageId, signal);
    }, signal);
  }

  private async find(messageId: string, signal?: AbortSignal): Promise<boolean> {
    await this.logon(signal, false);
    const result = await this.call({ cmd: 'find', messageId }, signal);
    return result.found === 'sent' || result.found === 'outbox';
  }

  private async submittedBefore(messageId: string, lost: HelperLostError, signal?: AbortSignal): Promise<boolean> {
    if (!this.options.saveCopy) throw outcomeUnknown(lost);
    try {
      return await this.find(messageId, signal);
    } catch {
      throw outcomeUnknown(lost);
    }
  }

  /** The profiles the helper sees (for `mail-agent mapi profiles`). */
  profiles(signal?: AbortSignal): Promise<{ name: string; default: boolean }[]> {
    return this.serialize(async () => {
      const result = await this.call({ cmd: 'profiles' }, signal);
      return result.profiles as { name: string; default: boolean }[];
    }, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    const helper = this.helper;
    this.helper = undefined;
    await helper?.stop(2000);
  }

  /**
   * Runs `work` after the request before it; whatever it throws leaves here as an AgentError. A request
   * whose caller gave up while it waited its turn (the queue's deadline) is dropped unstarted: starting
   * it would only abort at once and kill a healthy helper.
   */
  private serialize<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.closed) return Promise.reject(new AgentError(ErrorCodes.Internal, 'the MAPI transport is closed'));
    const guarded = () => (signal?.aborted ? Promise.reject(cancelledBeforeStart(signal)) : work()).catch((err: unknown) => {
      throw err instanceof HelperLostError ? helperLostError(err.message, true) : toAgentError(err);
    });
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async logon(signal: AbortSignal | undefined, force: boolean): Promise<string> {
    if (!force && this.helper?.alive && this.loggedOnAs !== undefined) return this.loggedOnAs;
    const result = await this.call({ cmd: 'logon', profile: this.options.profile }, signal);
    this.loggedOnAs = typeof result.profile === 'string' && result.profile ? result.profile : this.options.profile || 'default';
    return this.loggedOnAs;
  }

  /** One request on a live helper (started or restarted here); helper replies become AgentErrors. */
  private async call(request: HelperRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const helper = this.liveHelper();
    try {
      return await helper.request(request, this.options.timeoutMs, signal);
    } catch (err) {
      if (err instanceof HelperReplyError) {
        const mapped = helperErrorToAgentError(err.body);
        if (mapped.transient) this.loggedOnAs = undefined; // the session may be gone: log on afresh
        throw mapped;
      }
      throw err;
    }
  }

  private liveHelper(): HelperProcess {
    if (this.helper?.alive) return this.helper;
    const { command } = this.options;
    if (command instanceof AgentError) throw command;
    this.helper?.kill();
    this.loggedOnAs = undefined;
    this.helper = new HelperProcess(command, this.options.env, this.options.startupMs, this.options.spawn);
    this.options.onHelperSpawn?.(this.helper.pid);
    return this.helper;
  }
}
