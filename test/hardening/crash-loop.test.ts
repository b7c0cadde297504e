// kill -9 of the real agent at random moments, up to 50 times (bounded to ~90 s), while its settings change
// and notifications are queued: after each kill the status file parses and is schema-valid, every spool
// file is whole; at the end a fresh agent delivers every notification (none lost).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
// Random moments to send and to kill at: the fault injection itself (the stimulus), never a wait for an outcome.
import { setTimeout as atRandomMoment } from 'node:timers/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import schema from '../../schemas/status.schema.json' with { type: 'json' };
import { seeded } from '../queue/child.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';
import { charsets } from './faults-rig.ts';
import { hardeningSeed } from './settings-mutations.ts';

const kills = Number(process.env.HARDEN_KILLS ?? 50);
const budgetMs = Number(process.env.HARDEN_KILL_BUDGET_MS ?? 90_000);
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const validStatus = ajv.compile(schema);
const random = seeded(hardeningSeed);
const why = `(replay with HARDEN_SEED=${hardeningSeed})`;
let r: Rig;

test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

/** Every record in the spool is whole: JSON parses, a queued body starts with its JSON meta line. */
async function assertSpoolWhole(round: number): Promise<void> {
  const spool = join(r.stateDir, 'spool');
  for (const dir of ['pending', 'attempts', 'delivered', 'failed']) {
    const names = await readdir(join(spool, dir)).catch(() => [] as string[]);
    for (const name of names) {
      const text = await readFile(join(spool, dir, name), 'utf8').catch(() => undefined);
      if (text === undefined) continue; // moved on by a rename since the listing
      const json = name.endsWith('.json') ? text : name.endsWith('.eml') ? text.slice(0, text.indexOf('\n')) : undefined;
      if (json === undefined) continue; // a temp file of an atomic write: recovery's business
      assert.not.throws(() => { JSON.parse(json); }, `round ${round}: ${dir}/${name} is torn ${why}`);
    }
  }
}

test(`kill -9 the agent ${kills} times while settings change and notifications are queued ${why}`, async () => {
  console.log(`hardening: crash loop seed ${hardeningSeed}`);
  await r.write();
  const subjects: string[] = [];
  const started = Date.now();
  let survived = 0;
  for (let round = 0; round < kills && Date.now() - started < budgetMs; round++) {
    const agent = r.startAgent();
    const sends = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, k) => `crash ${round}.${k}`);
    const work = (async () => {
      for (const subject of sends) {
        await atRandomMoment(random() * 300);
        const res = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'someone@contoso.test', '--subject', subject, '--body', '-']);
        assert.is(res.code, 0, res.out + res.err);
        subjects.push(subject);
      }
      if (random() < 0.3) await r.write({ charset: charsets[Math.floor(random() * charsets.length)], comment: `round ${round}` });
    })();
    await atRandomMoment(200 + random() * 1500);
    await agent.kill('SIGKILL');
    await work;
    survived += 1;
    const text = await readFile(r.statusPath, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const doc: unknown = JSON.parse(text);
      assert.ok(validStatus(doc), `round ${round}: status invalid ${JSON.stringify(validStatus.errors)} ${why}`);
    }
    await assertSpoolWhole(round);
  }
  const agent = r.startAgent();
  const missingFrom = (list: { subject: string }[]) => subjects.filter((s) => !list.some((d) => d.subject === s));
  await r.untilDeliveries((list) => (missingFrom(list).length === 0 ? true : undefined), 'every notification delivered', 60_000).catch(() => undefined);
  const lost = missingFrom(await r.sandbox.deliveries());
  let copies = 0;
  for (const s of subjects) copies += await r.deliveredWithSubject(s);
  console.log(`hardening: kills survived ${survived} in ${Date.now() - started} ms; notifications sent ${subjects.length}, lost ${lost.length}, duplicates ${copies - subjects.length + lost.length}`);
  assert.equal(lost, [], `lost: ${agent.output().slice(-2000)} ${why}`);
  assert.ok(survived >= Math.min(kills, 20), `only ${survived} kills in the time budget`);
  await r.untilStatus((d) => d.queue.pending === 0, 'an empty queue');
  await agent.kill('SIGTERM');
});

test.run();
