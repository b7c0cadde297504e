// Shared by the server-fault tests: the e2e rig with a tap that timestamps every EWS request the sandbox
// sees (and which of them got an injected fault), and the wait/send helpers the phases use.
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import type { EwsTap } from '../../agent/sandbox/router.ts';
import type { FaultRule } from '../../agent/sandbox/index.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';

export interface SeenRequest { at: number; operation: string | undefined; status: number; injected: string | undefined }

export interface FaultRig extends Rig {
  seen: SeenRequest[];
  /** Injects `rule` once the sandbox has answered `operation` (e.g. after verify's GetFolder). */
  armAfter(operation: string, rule: FaultRule): void;
  waitFor(text: string, timeout?: string): Promise<{ code: number; out: string; err: string }>;
  send(subject: string): Promise<string>;
  /** Waits until `subject` was delivered and nothing is pending; returns how many copies arrived. */
  delivered(subject: string, timeoutMs?: number): Promise<number>;
  logLines(): Promise<Record<string, unknown>[]>;
}

/** The agent the fault suites run: short request deadlines, Ready on the rig's first settings file. */
export async function readyFaultAgent(r: FaultRig): Promise<Child> {
  const text = await r.write();
  const agent = r.startAgent(['--request-timeout', '1500ms']);
  assert.is((await r.waitFor(text)).code, 0, agent.output());
  return agent;
}

export async function faultRig(): Promise<FaultRig> {
  const seen: SeenRequest[] = [];
  let armed: { operation: string; rule: FaultRule } | undefined;
  const ref: { r?: Rig } = {};
  const tap: EwsTap = (e) => {
    seen.push({ at: Date.now(), operation: e.operation, status: e.status, injected: e.injected });
    if (armed && e.operation === armed.operation && !e.injected) {
      ref.r?.sandbox.setFaults([armed.rule]);
      armed = undefined;
    }
  };
  const r = await rig({ tap });
  ref.r = r;
  return Object.assign(r, {
    seen,
    armAfter(operation: string, rule: FaultRule) { armed = { operation, rule }; },
    waitFor: (text: string, timeout = '40s') => r.shipped(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', timeout]),
    async send(subject: string) {
      const res = await r.shipped(['send', '--state-dir', r.stateDir, '--to', 'someone@contoso.test', '--subject', subject, '--body', '-'], `${subject}\n`);
      if (res.code !== 0) throw new Error(`send failed: ${res.out}${res.err}`);
      return res.out.trim();
    },
    async delivered(subject: string, timeoutMs = 30_000) {
      await r.untilDeliveredSubject(subject, timeoutMs);
      await r.untilNothingPending(timeoutMs);
      return r.deliveredWithSubject(subject);
    },
    async logLines() {
      const text = await readFile(`${r.stateDir}/notifications.log`, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  });
}

/** Charsets that make each written file a new settings digest (so it is verified and tested again). */
export const charsets = ['iso-8859-1', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-7', 'iso-8859-9',
  'iso-8859-13', 'iso-8859-15', 'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253', 'windows-1254',
  'windows-1257', 'koi8-r', 'koi8-u', 'utf-8'];
