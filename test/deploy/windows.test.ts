// deploy/windows: the WinSW service definition parses as XML and runs `mail-agent run` with real flags
// from the installed package's bin; the install script uses that definition and that bin. (Nothing here
// runs on Windows: see docs/deploy.md for what was and was not tested.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { runFlags } from '../../agent/cli/commands/run-options.ts';
import { repoRoot } from '../helpers/child.ts';

const dir = join(repoRoot, 'deploy/windows');
const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };

/** Element name → text of each occurrence. */
async function serviceXml(): Promise<Map<string, string[]>> {
  const parser = new SaxesParser();
  const out = new Map<string, string[]>();
  const open: string[] = [];
  let text = '';
  parser.on('opentag', (t) => { open.push(t.name); text = ''; });
  parser.on('text', (t) => { text += t; });
  parser.on('closetag', (t) => { open.pop(); out.set(t.name, [...(out.get(t.name) ?? []), text.trim()]); text = ''; });
  parser.write(await readFile(join(dir, 'mail-agent-service.xml'), 'utf8')).close();
  return out;
}

/** Splits a Windows command line on spaces outside double quotes. */
const argv = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

test('the service runs the package bin with `run` and flags the CLI has; state outside the settings folder', async () => {
  const xml = await serviceXml();
  assert.equal(xml.get('id'), ['mail-agent']);
  assert.match(xml.get('executable')![0]!, /node\.exe$/);
  const args = argv(xml.get('arguments')![0]!);
  const binPath = `%BASE%\\app\\node_modules\\${pkg.name}\\${pkg.bin['mail-agent']!.replaceAll('/', '\\')}`;
  assert.is(args[0], binPath, "the installed package's bin");
  assert.is(args[1], 'run');
  for (const f of args.filter((a) => a.startsWith('--'))) assert.ok(f.slice(2) in runFlags, `mail-agent run has ${f}`);
  const config = args[args.indexOf('--config') + 1]!;
  const state = args[args.indexOf('--state-dir') + 1]!;
  assert.not.ok(state.startsWith(config.slice(0, config.lastIndexOf('\\') + 1)), 'the state dir is not in the settings folder');
  assert.equal(xml.get('allowservicelogon'), ['true']);
});

test('the install script registers that definition, prompts for the account and waits for Ready', async () => {
  const ps1 = await readFile(join(dir, 'install-service.ps1'), 'utf8');
  assert.match(ps1, "'mail-agent-service.xml'");
  assert.match(ps1, "'mail-agent-service.exe'");
  assert.match(ps1, `app\\node_modules\\${pkg.name}\\${pkg.bin['mail-agent']!.replaceAll('/', '\\')}`);
  assert.match(ps1, '& $exe install /p');
  assert.match(ps1, /status --status .* --wait --for-file \$config/);
  assert.match(ps1, /\$bin validate \$Settings/);
});

test.run();
