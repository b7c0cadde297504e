// deploy/ansible/push-mail-settings.yml run by Debian's ansible-core against localhost (connection
// local), with the real agent watching the file it pushes and the real sandbox behind it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import type { Child } from '../helpers/child.ts';
import { repoRoot } from '../helpers/child.ts';
import { readJson, rig, type Rig } from '../run/helpers/e2e.ts';
import { shippedBin } from '../helpers/shipped.ts';
import { needTools } from '../helpers/tools.ts';

const playbook = join(repoRoot, 'deploy/ansible/push-mail-settings.yml');
let r: Rig;
let agent: Child;
let bin: string;

/** Runs the playbook pushing `text`; resolves to its exit code and output. */
async function push(text: string): Promise<{ code: number; out: string }> {
  const src = join(r.root, 'push', 'mail-settings.yaml');
  await writeFile(src, text);
  const vars = {
    mail_agent_hosts: 'localhost', mail_agent_settings_src: src, mail_agent_bin: bin,
    mail_agent_settings_path: r.settings, mail_agent_status_path: r.statusPath, mail_agent_wait_timeout: '30s',
    mail_agent_settings_group: 'root', ansible_python_interpreter: '/usr/bin/python3',
  };
  await writeFile(join(r.root, 'push', 'vars.json'), JSON.stringify(vars));
  const ansibleHome = join(r.root, 'ansible');
  const env = {
    ...process.env, LC_ALL: 'C.UTF-8', ANSIBLE_HOME: ansibleHome, ANSIBLE_LOCAL_TEMP: join(ansibleHome, 'tmp'),
    ANSIBLE_REMOTE_TEMP: join(ansibleHome, 'remote'), ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  return promisify(execFile)('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', `@${join(r.root, 'push', 'vars.json')}`, playbook], { env, timeout: 90_000 })
    .then((res) => ({ code: 0, out: res.stdout + res.stderr }), (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') }));
}

if (needTools(import.meta.url, test, ['ansible'])) {
  test.before(async () => {
    r = await rig();
    await mkdir(join(r.root, 'push'));
    // `mail-agent` as the hosts would have it: the shipped build of this checkout.
    bin = join(r.root, 'mail-agent');
    await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${shippedBin}" "$@"\n`);
    await chmod(bin, 0o755);
    await r.write({ comment: 'before the first push' });
    agent = r.startAgent();
  });
  test.after(async () => { await r.cleanup(); });

  test('a good file: copied, and the play waits until the agent made it live', async () => {
    const text = r.settingsText({ comment: 'pushed by ansible' });
    const res = await push(text);
    assert.is(res.code, 0, res.out + agent.output());
    assert.match(res.out, /Ready: sha256:[0-9a-f]{64} is live/);
    assert.is(await readFile(r.settings, 'utf8'), text);
    const doc = await readJson<StatusDocument>(r.statusPath);
    assert.is(findCondition(doc, 'Ready')?.status, 'True');
    assert.is(await r.testMessages(), 1);
  });

  test('an invalid file: validate refuses it, the file on the host is untouched', async () => {
    const before = await readFile(r.settings, 'utf8');
    const res = await push(r.settingsText({ extra: 'colour: blue\n' }));
    assert.is(res.code, 2, res.out);
    assert.match(res.out, 'failed to validate');
    assert.is(await readFile(r.settings, 'utf8'), before);
  });

  test('a valid file the agent cannot apply: copied, then the wait fails with the reason', async () => {
    const res = await push(r.settingsText({ passwordFile: 'wrong-password' }));
    assert.is(res.code, 2, res.out);
    assert.match(res.out, 'AuthFailed');
    assert.ok(findCondition(await readJson<StatusDocument>(r.statusPath), 'Stalled')?.status === 'True');
  });
}

test.run();
