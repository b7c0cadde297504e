// The MAPI transport: a long-lived helper process (native/mapi-helper), one request at a time.
//
// "Delivered once": the helper announces "submitting" just before IMessage::SubmitMessage.
// - Lost before that (crash, hang, kill): nothing was submitted — the half-built message was never saved
//   and goes with the process — so the send is retried on a fresh helper.
// - Lost after it: the store may have the message. A fresh helper looks for its Message-ID in Sent Items
//   and the Outbox (`find`): in Sent Items → sent, done; in the Outbox → submitted, not yet transported:
//   StuckInOutbox (neither delivered nor sent again; wasSent asks later); not found → not submitted, retried.
//   When that cannot be told (no copy kept in Sent Items, or `find` fails) the send fails with HelperFailed /
//   SubmitOutcomeUnknown, not transient: at most once rather than a possible duplicate.
// "Delivered" means the message left the Outbox: the helper waits for that after SubmitMessage (up to
// outboxWaitMs); one still there is StuckInOutbox, never counted as sent.
import { AgentError, ErrorCodes, toAgentError } from '../../errors.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import { helperErrorToAgentError, helperLostError, isSignInFailure, signInExpiredError, signInRefusedError, stuckInOutboxError } from './errors.ts';
import { HelperLostError, HelperProcess, HelperReplyError, type DeadlineExtension, type SpawnFn } from './helper-process.ts';
import type { FoundIn, HelloResult, HelperRequest, SendResult as HelperSendResult } from './protocol.ts';
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
  /** How long a submitted message may stay in the Outbox before it is reported StuckInOutbox. */
  outboxWaitMs: number;
  spawn?: SpawnFn;
  /** Told about each helper process started (tests kill it mid-send). */
  onHelperSpawn?: (pid: number | undefined) => void;
}

/**
 * What the status file shows: the endpoint is the profile logged on to (the default's real name when
 * `profile: default`); MAPI does not tell the Exchange version, so serverVersion/serverBuild stay empty
 * rather than carrying something else; the client and helper say what sends and through what.
 */
function describeMapi(logon: Logon, hello: HelloResult): TransportInfo {
  const { client, bits } = hello.provider;
  return {
    service: 'mapi',
    endpoint: logon.profile,
    ...(client ? { client: bits ? `${client}, ${bits}-bit` : client } : {}),
    helper: `${hello.helper} ${hello.version}, ${hello.bits}-bit`,
    store: logon.store,
  };
}

interface Logon { profile: string; store: 'online' | 'cached' }

/** MAPI said the session is over (nothing was submitted in it): one fresh logon, then the call once more. */
function sessionEnded(err: unknown): boolean {
  return err instanceof AgentError && err.serverCode === 'MAPI_E_END_OF_SESSION';
}

/** Lost before these events: nothing reached the store, a retry cannot duplicate. */
const submitEvent = 'submitting';
/** SubmitMessage returned: the helper now waits (up to outboxWaitMs) for the message to leave the Outbox. */
const submittedEvent = 'submitted';
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
  private loggedOnAs: Logon | undefined;
  /** Notifications that left the Outbox through this transport: a logon refused after that is an expired sign-in. */
  private goodSends = 0;
  /** A message stayed in the Outbox past the limit and none has left it since: later sends do not wait again. */
  private outboxStuck = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly options: MapiTransportOptions;

  constructor(options: MapiTransportOptions) {
    this.options = options;
  }

  verify(signal?: AbortSignal): Promise<TransportInfo> {
    return this.serialize(async () => {
      const hello = (await this.call({ cmd: 'hello' }, signal)) as unknown as HelloResult;
      const logon = await this.logon(signal, true);
      return describeMapi(logon, hello);
    }, signal);
  }

  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const sent = { messageId: message.messageId };
    return this.serialize(async () => {
      const waitMs = this.outboxStuck ? 0 : this.options.outboxWaitMs;
      const request = { ...toSendRequest(message, this.options.saveCopy), outboxWaitMs: waitMs };
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.sendOnce(request, waitMs, signal);
          if (result.leftOutbox === false) {
            this.outboxStuck = true;
            throw stuckInOutboxError(this.loggedOnAs?.profile ?? 'default', result.store, waitMs);
          }
          this.outboxStuck = false;
          this.goodSends += 1;
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

  /** One `send` on a logged-on helper; a session MAPI ended is logged on afresh and the send asked once more. */
  private async sendOnce(request: HelperRequest, waitMs: number, signal?: AbortSignal): Promise<HelperSendResult> {
    for (let round = 1; ; round++) {
      await this.logon(signal, false);
      try {
        return (await this.call(request, signal, { event: submittedEvent, ms: waitMs })) as unknown as HelperSendResult;
      } catch (err) {
        if (round >= 2 || !sessionEnded(err)) throw err;
      }
    }
  }

  /** True when Sent Items hold the message; StuckInOutbox while the Outbox still does (ask again later). */
  wasSent(messageId: string, signal?: AbortSignal): Promise<boolean | undefined> {
    return this.serialize(async () => {
      const found = await this.find(messageId, signal);
      if (found === 'sent') return true;
      if (found === 'outbox') throw stuckInOutboxError(this.loggedOnAs?.profile ?? 'default', this.loggedOnAs?.store ?? 'online');
      return this.options.saveCopy ? false : undefined; // no copy kept: absence proves nothing
    }, signal);
  }

  private async find(messageId: string, signal?: AbortSignal): Promise<FoundIn> {
    await this.logon(signal, false);
    const result = await this.call({ cmd: 'find', messageId }, signal);
    return (result.found ?? null) as FoundIn;
  }

  /** After a helper was lost while submitting: true when it did submit (Sent Items), false when it did not. */
  private async submittedBefore(messageId: string, lost: HelperLostError, signal?: AbortSignal): Promise<boolean> {
    let found: FoundIn;
    try {
      found = await this.find(messageId, signal);
    } catch {
      throw outcomeUnknown(lost);
    }
    if (found === 'sent') return true;
    if (found === 'outbox') throw stuckInOutboxError(this.loggedOnAs?.profile ?? 'default', this.loggedOnAs?.store ?? 'online');
    if (!this.options.saveCopy) throw outcomeUnknown(lost); // gone without a copy: sent, or never submitted
    return false;
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

  private async logon(signal: AbortSignal | undefined, force: boolean): Promise<Logon> {
    if (!force && this.helper?.alive && this.loggedOnAs !== undefined) return this.loggedOnAs;
    let result: Record<string, unknown>;
    try {
      result = await this.call({ cmd: 'logon', profile: this.options.profile }, signal);
    } catch (err) {
      if (!(err instanceof AgentError) || !isSignInFailure(err)) throw err;
      if (this.goodSends > 0) throw signInExpiredError(this.options.profile || 'default', this.goodSends, err);
      throw signInRefusedError(err);
    }
    this.loggedOnAs = {
      profile: typeof result.profile === 'string' && result.profile ? result.profile : this.options.profile || 'default',
      store: result.store === 'cached' ? 'cached' : 'online',
    };
    return this.loggedOnAs;
  }

  /** One request on a live helper (started or restarted here); helper replies become AgentErrors. */
  private async call(request: HelperRequest, signal?: AbortSignal, extension?: DeadlineExtension): Promise<Record<string, unknown>> {
    const helper = this.liveHelper();
    try {
      return await helper.request(request, this.options.timeoutMs, signal, extension);
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
