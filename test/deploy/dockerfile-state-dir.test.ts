// #12 item 4: the container image's state dir is created 0700 and owned by the user the agent runs as, as
// the agent requires of a state dir (it exits 1 on a group- or world-writable one, or one owned by another
// user). No Docker engine runs here: the final stage's RUN lines are played, command by command, on a model
// of the file system (mkdir, chown, chmod), and the state dir is the one ENV, CMD and HEALTHCHECK name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { repoRoot } from '../helpers/child.ts';
import { execForm, parseDockerfile } from './dockerfile.ts';

interface Entry { mode: number; owner: string }

const final = parseDockerfile(await readFile(join(repoRoot, 'Dockerfile'), 'utf8')).at(-1)!;
const ops = (op: string) => final.instructions.filter((i) => i.op === op).map((i) => i.args);

/** Plays the RUN lines' mkdir/chown/chmod on the paths they name (as root, the build's user; umask 022). */
function playRuns(): Map<string, Entry> {
  const fs = new Map<string, Entry>();
  for (const run of ops('RUN')) {
    for (const command of run.split(/&&|;/).map((c) => c.trim().split(' ').filter(Boolean))) {
      const [cmd, ...rest] = command;
      const flags = rest.filter((a) => a.startsWith('-'));
      const args = rest.filter((a) => !a.startsWith('-'));
      assert.not.ok(flags.includes('-R') && (cmd === 'chmod' || cmd === 'chown') && args.some((p) => p.startsWith('/var/lib')), `no recursive ${cmd} over /var/lib`);
      if (cmd === 'mkdir') {
        const mode = flags.find((f) => f.startsWith('--mode=') || f.startsWith('-m'));
        assert.not.ok(mode, 'mkdir without a mode flag (the chmod below sets it)');
        for (const p of args) fs.set(posix.normalize(p), { mode: 0o755, owner: '0:0' });
      } else if (cmd === 'chown' || cmd === 'chmod') {
        const [value, ...paths] = args;
        for (const p of paths) {
          const entry = fs.get(posix.normalize(p));
          if (!entry) continue; // a file COPY brought (bin.js): not a folder this test models
          if (cmd === 'chown') entry.owner = value!.includes(':') ? value! : `${value}:${value}`;
          else {
            assert.match(value!, /^0?[0-7]{3,4}$/, `chmod ${value} ${p}: an octal mode, so the result is known`);
            entry.mode = parseInt(value!, 8);
          }
        }
      }
    }
  }
  return fs;
}

test('Dockerfile: the state dir that ENV, CMD and HEALTHCHECK name is created 0700 and owned by the USER the agent runs as', () => {
  const env = /MAIL_AGENT_STATE_DIR=(\S+)/.exec(ops('ENV').join(' '))?.[1];
  assert.ok(env, 'MAIL_AGENT_STATE_DIR is set in the image');
  const cmd = execForm(ops('CMD').at(-1)!);
  const stateDir = cmd[cmd.indexOf('--state-dir') + 1];
  assert.is(stateDir, env, 'CMD runs with the state dir the environment names (for `kubectl exec … mail-agent send`)');
  assert.match(ops('HEALTHCHECK').join(' '), `--status ${stateDir}/status.json`);

  const entry = playRuns().get(posix.normalize(stateDir!));
  assert.ok(entry, `a RUN line creates ${stateDir}`);
  assert.is((entry.mode & 0o777).toString(8), '700', `${stateDir} is 0700`);
  const user = ops('USER').at(-1)!;
  const [uid, gid = uid] = user.split(':');
  assert.is(entry.owner, `${uid}:${gid}`, `${stateDir} is owned by USER ${user}`);
});

test.run();
