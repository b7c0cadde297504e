// One reconcile attempt for one snapshot: load (validate) → verify a candidate transport → deliver the
// test message → make it live. Until the last step the previous transport stays live; a step that
// fails leaves the candidate closed and says whether a retry may help.
import { unreadableMessage } from '../config/source/read.ts';
import { writeApplied } from '../state/applied.ts';
import * as t from '../status/transitions.ts';
import type { SourceSnapshot } from '../watch/snapshot.ts';
import type { LoadedConfig } from '../config/settings.ts';
import type { Transport, TransportInfo } from '../transports/transport.ts';
import { stepFailure, type StepFailure } from './failure.ts';
import { toStatusIssues } from './issues.ts';
import { testStep } from './test-step.ts';
import type { AttemptDeps, AttemptResult, LiveSettings } from './types.ts';
import { shortRevision as short } from '../config/revision.ts';
import { issueLine } from '../status/issue-line.ts';

export interface AttemptInput {
  snapshot: SourceSnapshot;
  live: LiveSettings | undefined;
  /** The attempt stops at the next step boundary when this turns true. */
  abandoned(): boolean;
  /** Aborted when the agent stops and the step in progress overran its grace period. */
  signal?: AbortSignal;
  /** A forced re-read (SIGHUP): re-attempt even what failed permanently before. */
  force: boolean;
  /** The last final outcome, to recognise an unchanged state. */
  lastFinal: FinalMark | undefined;
}

export interface FinalMark {
  revision: string;
  digest: string;
}

/** How an attempt ended. `final` marks an outcome that is not attempted again without force (rejected, and
 *  failed when the reconciler finds it permanent). */
export type AttemptOutput =
  | { result: 'ready' | 'unchanged'; live: LiveSettings }
  | { result: 'rejected'; final: FinalMark; revision: string }
  /** A step failed; the reconciler decides between retrying and stalled. */
  | { result: 'failed'; failure: StepFailure; final: FinalMark; revision: string; durationMs: number }
  | { result: Exclude<AttemptResult, 'ready' | 'unchanged' | 'rejected' | 'stalled' | 'retrying'> };

export async function attempt(deps: AttemptDeps, input: AttemptInput): Promise<AttemptOutput> {
  const { snapshot } = input;
  const startedAt = deps.clock.now();
  const iso = () => new Date(deps.clock.now()).toISOString();
  const elapsed = () => deps.clock.now() - startedAt;
  const step = (name: string, revision: string, since: number, extra: Record<string, unknown> = {}) =>
    deps.log.info('reconcile step', { revision: short(revision), step: name, durationMs: deps.clock.now() - since, ...extra });

  if (snapshot.kind !== 'present') {
    const reason = snapshot.kind === 'missing' ? 'ConfigMissing' : 'ConfigUnreadable';
    // Unreadable: say which path is in the way (the file, or a folder above it), as validate does.
    const why = snapshot.kind === 'unreadable' ? await unreadableMessage(deps.configPath, snapshot.code) : undefined;
    await deps.status.update((d) => t.missing(d, iso(), reason, why));
    deps.log.warn('settings file unavailable; the live transport stays', { reason, why });
    return { result: 'missing' };
  }

  const revision = snapshot.revision;
  const loadStart = deps.clock.now();
  const loaded = await deps.loadConfig(deps.configPath, { bytes: snapshot.bytes, ...(deps.env ? { env: deps.env } : {}) });
  if (!loaded.ok) {
    step('load', revision, loadStart, { outcome: 'Rejected', reason: loaded.reason });
    const mark = { revision, digest: `rejected:${loaded.reason}:${snapshot.digest}` };
    if (!input.force && input.lastFinal?.digest === mark.digest) return { result: 'current' };
    const errors = toStatusIssues(loaded.issues);
    await deps.status.update((d) => {
      if (d.observedRevision !== revision) t.observed(d, revision, iso());
      t.rejected(d, { revision, reason: loaded.reason, errors, at: iso(), durationMs: elapsed() });
    });
    // Each error as `mail-agent status` prints it, for whoever reads the journal: positions and our own
    // messages only, never a value from the file.
    deps.log.warn('settings file rejected; the live settings stay', { revision: short(revision), reason: loaded.reason, errors: errors.map((e) => issueLine(deps.configPath, e)) });
    return { result: 'rejected', final: mark, revision };
  }
  const config = loaded.config;
  step('load', revision, loadStart, { settingsDigest: short(config.settingsDigest) });
  deps.onLoaded?.(config);
  // A report, not a step: written while the next step runs, as the progress writes below.
  progress(deps.status.update((d) => {
    t.secretExposure(d, config.warnings, revision, iso());
    t.transportExposure(d, config.warnings, revision, iso());
  }));

  const live = input.live;
  if (live && live.config.settingsDigest === config.settingsDigest) return keepLive(deps, live, config, elapsed, iso);
  const mark = { revision, digest: config.settingsDigest };
  if (!input.force && input.lastFinal?.revision === mark.revision && input.lastFinal.digest === mark.digest) return { result: 'current' };

  // Progress writes go out while the next step runs (the writer keeps them in order; a failure reaches its
  // onError); only the final write is awaited. Each is a fsync'd atomic write, kept off the critical path.
  progress(deps.status.update((d) => {
    t.observed(d, revision, iso());
    t.stepPassed(d, 'ConfigValid', 'Valid', 'the settings file is valid', revision, iso());
  }));
  if (input.abandoned()) return { result: 'abandoned' };

  const verifyStart = deps.clock.now();
  let candidate: Transport | undefined;
  let info: TransportInfo;
  try {
    candidate = await deps.createTransport(config, deps.transportDeps);
    info = await candidate.verify(input.signal);
  } catch (err) {
    await candidate?.close().catch(() => undefined);
    if (input.signal?.aborted) return { result: 'abandoned' };
    step('verify', revision, verifyStart, { outcome: 'Failed' });
    return { result: 'failed', failure: stepFailure('TransportReady', err), final: mark, revision, durationMs: elapsed() };
  }
  step('verify', revision, verifyStart, { endpoint: info.endpoint, serverVersion: info.serverVersion });
  progress(deps.status.update((d) => t.stepPassed(d, 'TransportReady', 'Verified', `${info.service} ${info.endpoint} verified`, revision, iso())));
  if (input.abandoned()) return closeAndAbandon(candidate);

  const testStart = deps.clock.now();
  let tested;
  try {
    tested = await testStep(candidate, config, info, deps.registry, { host: deps.host, now: new Date(deps.clock.now()) }, input.signal);
  } catch (err) {
    await candidate.close().catch(() => undefined);
    // An aborted test message has an unknown outcome; the registry holds its Message-ID, so the next
    // start asks the server (wasSent) before sending it again.
    if (input.signal?.aborted) return { result: 'abandoned' };
    step('test-message', revision, testStart, { outcome: 'Failed' });
    return { result: 'failed', failure: stepFailure('TestMessageDelivered', err), final: mark, revision, durationMs: elapsed() };
  }
  step('test-message', revision, testStart, { outcome: tested.reason });

  const applyStart = deps.clock.now();
  const at = iso();
  const next: LiveSettings = { config, transport: candidate, info, since: at };
  // applied.json first: once the status says Ready, `mail-agent send` (another process) must find these settings.
  // The test message's 'sent' record is written alongside (its 'pending' record, written before the send,
  // already keeps a crash from sending it twice: the next start asks the server).
  await Promise.all([
    writeApplied(deps.stateDir, { revision, settingsDigest: config.settingsDigest, appliedAt: at, settings: config.settings, transport: info }),
    tested.recorded,
  ]);
  await deps.status.update((d) => {
    t.stepPassed(d, 'TestMessageDelivered', tested.reason, tested.message, revision, at);
    t.applied(d, { revision, settingsDigest: config.settingsDigest, transport: info, unchanged: false, at, durationMs: elapsed(), ...(tested.sent ? { testMessage: tested.sent } : {}) });
  });
  step('apply', revision, applyStart, { outcome: 'Applied' });
  return { result: 'ready', live: next };
}

/** A progress write nobody waits for: the status writer reports its failure, and the next write retries. */
function progress(write: Promise<void>): void {
  write.catch(() => undefined);
}

async function closeAndAbandon(candidate: Transport): Promise<AttemptOutput> {
  await candidate.close().catch(() => undefined);
  return { result: 'abandoned' };
}

/** Same settings digest as live: a comment-only change, or a return to the live file. No reconnect, no test message. */
async function keepLive(deps: AttemptDeps, live: LiveSettings, config: LoadedConfig, elapsed: () => number, iso: () => string): Promise<AttemptOutput> {
  const revision = config.revision;
  const doc = deps.status.current();
  const ready = doc.conditions.find((c) => c.type === 'Ready');
  if (live.config.revision === revision && ready?.status === 'True' && ready.observedRevision === revision) return { result: 'current' };
  const at = iso();
  const next: LiveSettings = { ...live, config };
  await writeApplied(deps.stateDir, { revision, settingsDigest: config.settingsDigest, appliedAt: at, settings: config.settings, transport: live.info });
  await deps.status.update((d) => {
    t.observed(d, revision, at);
    t.stepPassed(d, 'TestMessageDelivered', 'SettingsUnchanged', 'no test message: the settings did not change', revision, at);
    t.applied(d, { revision, settingsDigest: config.settingsDigest, transport: live.info, unchanged: true, at, durationMs: elapsed() });
  });
  deps.log.info('reconcile step', { revision: short(revision), step: 'apply', durationMs: elapsed(), outcome: 'SettingsUnchanged' });
  return { result: 'unchanged', live: next };
}
