import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveStateDir } from '../../agent/state/default-dir.ts';

test('flag, then MAIL_AGENT_STATE_DIR, then /var/lib for root, then XDG_STATE_HOME, then ~/.local/state', () => {
  const ctx = { cwd: '/srv', uid: 1000, home: '/home/ops' };
  assert.is(resolveStateDir('st', { ...ctx, env: { MAIL_AGENT_STATE_DIR: '/e' } }), '/srv/st');
  assert.is(resolveStateDir(undefined, { ...ctx, env: { MAIL_AGENT_STATE_DIR: '/e', XDG_STATE_HOME: '/x' } }), '/e');
  assert.is(resolveStateDir(undefined, { ...ctx, uid: 0, env: { XDG_STATE_HOME: '/x' } }), '/var/lib/mail-agent');
  assert.is(resolveStateDir(undefined, { ...ctx, env: { XDG_STATE_HOME: '/x' } }), '/x/mail-agent');
  assert.is(resolveStateDir(undefined, { ...ctx, env: { XDG_STATE_HOME: 'relative' } }), '/home/ops/.local/state/mail-agent', 'a relative XDG path is ignored, as the spec says');
  assert.is(resolveStateDir(undefined, { ...ctx, env: {} }), '/home/ops/.local/state/mail-agent');
});

test.run();
