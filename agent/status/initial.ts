// The document an agent writes first: who it is, which file it watches, nothing observed yet.
import { hostname } from 'node:os';
import { version } from '../version.ts';
import type { StatusDocument } from './model.ts';

export function initialStatus(sourcePath: string, startedAt: Date, pid = process.pid, host = hostname()): StatusDocument {
  const at = startedAt.toISOString();
  return {
    apiVersion: 'mail-agent/v1',
    kind: 'MailSettingsStatus',
    agent: { version, pid, host, startedAt: at },
    writtenAt: at,
    sequence: 0,
    source: { path: sourcePath },
    observedRevision: null,
    conditions: [
      { type: 'Ready', status: 'Unknown', reason: 'Starting', message: 'the agent has not read the settings file yet', lastTransitionTime: at, observedRevision: null },
    ],
    failures: { consecutive: 0, total: 0, nextRetryAt: null },
    queue: { pending: 0, delivered: 0, failed: 0, oldestPendingAgeSeconds: null },
    history: [],
  };
}
