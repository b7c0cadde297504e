// deploy/systemd/mail-agent.service: the hardening the issue asks for is there, its command lines use
// flags the CLI really has, and `systemd-analyze verify` (Debian's systemd) accepts it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { chmod, copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { main } from '../../agent/cli/main.ts';
import { createLogger } from '../../agent/log/logger.ts';
import { Agent } from '../../agent/run/agent.ts';
import { runFlags } from '../../agent/cli/commands/run-options.ts';
import { createTransport } from '../../agent/transports/index.ts';
import { repoRoot } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { needTools } from '../helpers/tools.ts';

const unitPath = join(repoRoot, 'deploy/systemd/mail-agent.service');
const Bin = '/usr/local/bin/mail-agent'; // where `npm install -g` puts it with the default prefix

/** Key → values of the [Service] section (keys may repeat). */
async function serviceSection(): Promise<Map<string, string[]>> {
  const text = await readFile(unitPath, 'utf8');
  const body = text.split(/^\[Service\]$/m)[1]!.split(/^\[/m)[0]!;
  const out = new Map<string, string[]>();
  for (const line of body.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

test('hardening: dedicated user, NoNewPrivileges, ProtectSystem=strict, StateDirectory, ReadWritePaths', async () => {
  const s = await serviceSection();
  assert.equal(s.get('User'), ['mail-agent']);
  assert.equal(s.get('NoNewPrivileges'), ['yes']);
  assert.equal(s.get('ProtectSystem'), ['strict']);
  assert.equal(s.get('StateDirectory'), ['mail-agent']);
  assert.equal(s.get('ReadWritePaths'), ['/var/lib/mail-agent']);
  assert.equal(s.get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
  const sysusers = await readFile(join(repoRoot, 'deploy/systemd/mail-agent.sysusers.conf'), 'utf8');
  assert.match(sysusers, /^u mail-agent /m);
});

test('ExecStartPre validates and ExecStart runs with flags the CLI accepts, on the state dir', async () => {
  const s = await serviceSection();
  const pre = s.get('ExecStartPre')![0]!.split(' ');
  const start = s.get('ExecStart')![0]!.split(' ');
  assert.equal(pre.slice(0, 2), [Bin, 'validate']);
  assert.equal(start.slice(0, 2), [Bin, 'run']);
  const flags = start.filter((a) => a.startsWith('--')).map((a) => a.slice(2));
  for (const f of flags) assert.ok(f in runFlags, `mail-agent run has no --${f}`);
  assert.is(start[start.indexOf('--state-dir') + 1], '/var/lib/mail-agent');
  assert.is(start[start.indexOf('--config') + 1], pre[2], 'run watches the file validate checked');
  // validate really takes that form: a missing file is exit 1, not a usage error (64).
  const io = captureIo({ env: {}, cwd: repoRoot });
  assert.is(await main(['validate', '/nonexistent/mail-settings.yaml'], io), 1, io.err());
});

test('what the unit says about the state dir and status.json is what the agent does', async () => {
  const dir = await tempDir('systemd-modes');
  try {
    const stateDir = join(dir.path, 'state');
    const agent = await Agent.prepare({
      configPath: join(dir.path, 'conf', 'mail-settings.yaml'), statusPath: join(stateDir, 'status.json'), stateDir,
      log: createLogger({ stream: new PassThrough() }), createTransport,
    });
    await agent.stop();
    const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
    const dirMode = octal((await stat(stateDir)).mode);
    const statusMode = octal((await stat(join(stateDir, 'status.json'))).mode);
    assert.equal([dirMode, statusMode], ['0700', '0600']);
    const s = await serviceSection();
    assert.equal(s.get('StateDirectoryMode'), [dirMode], 'systemd creates the state dir as the agent would');
    const comment = (await readFile(unitPath, 'utf8')).split('\n').filter((l) => l.startsWith('#')).join(' ');
    assert.match(comment, `/var/lib/mail-agent (${dirMode})`);
    assert.match(comment, `status.json in it ${statusMode}`);
    assert.not.match(comment, /status\.json[^.]*readable by the group/);
  } finally {
    await dir.cleanup();
  }
});

if (needTools(import.meta.url, test, ['systemd-analyze'])) test('systemd-analyze verify accepts the unit', async () => {
  const dir = await tempDir('systemd');
  try {
    // verify checks that the commands exist: stand the agent in at its install path's place.
    const fake = join(dir.path, 'mail-agent');
    await writeFile(fake, '#!/bin/sh\nexit 0\n');
    await chmod(fake, 0o755);
    const unit = join(dir.path, 'mail-agent.service');
    await copyFile(unitPath, unit);
    await writeFile(unit, (await readFile(unit, 'utf8')).replaceAll(Bin, fake));
    const res = await promisify(execFile)('systemd-analyze', ['verify', '--man=no', unit], { timeout: 30_000 })
      .then((r) => ({ code: 0, err: r.stderr }), (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, err: e.stderr ?? '' }));
    // Lines about this machine's own units (a container's) are not ours; anything naming our unit is.
    const ours = res.err.split('\n').filter((l) => l.includes('mail-agent') && !/Failed to parse system call, ignoring/.test(l));
    assert.is(res.code, 0, res.err);
    assert.equal(ours, [], res.err);
  } finally {
    await dir.cleanup();
  }
});

test.run();
