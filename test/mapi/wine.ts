// Test support (not a test): builds native/ with mingw-w64, prepares a cached Wine prefix with the test
// provider registered, and gives each test its own provider log. Missing tools are handled by
// test/helpers/tools.ts (a failing test in CI, the end-of-run summary elsewhere).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Test } from 'uvu';
import { needTools, type ToolName } from '../helpers/tools.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wine64 = '/usr/lib/wine/wine64';
const wineserver = '/usr/lib/wine/wineserver';
const buildDir = path.join(repoRoot, 'native', 'build');
const prefix = path.join(repoRoot, 'node_modules', '.cache', 'mail-agent-mapi', 'wine-prefix');
export const providerClient = 'Mail Agent Test Provider';
export const providerClientX86 = 'Mail Agent Test Provider x86';
export const providerClientMsi = 'Mail Agent Test Provider MSI';
/** The category GUID native/test-provider-msi.sh publishes the 32-bit stand-in under. */
export const msiComponentId = '{7E8F9A0B-1C2D-4E3F-8A4B-5C6D7E8F9A0B}';

export interface Wine {
  /** Environment for the transport: the helper command, the prefix, the provider's settings. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** A fresh provider log (a Unix path; the provider gets it as Z:…). */
  newLog(): string;
  /** Makes mapi32 forward to the 64-bit test provider, the 32-bit stand-in, or nothing at all; 'msi': a
   *  client whose DLLPathEx is the 64-bit provider (what Wine's stub loads) and whose MSIComponentID (what
   *  Windows' stub loads first) is the 32-bit stand-in, installed by Windows Installer (needs msitools). */
  useProvider(which: 'x64' | 'x86' | 'none' | 'msi'): void;
  /** A temp dir of this test file, removed by cleanup(). */
  tmp: string;
  cleanup(): void;
}

/** The tools the Wine tests need (test/helpers/tools.ts says what to install when one is missing). */
export const wineTools: ToolName[] = ['mingw', 'nlohmann-json', 'wine64'];

// Wine's wineserver and services outlive the command and inherit its stdio: a piped spawnSync would wait
// for them (mapi-notes gotcha 3), so Wine commands run with stdio ignored.
function run(command: string, args: string[], env: NodeJS.ProcessEnv, quiet = false): void {
  const r = spawnSync(command, args, { env, encoding: 'utf8', stdio: quiet ? 'ignore' : ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(r.status ?? r.signal)}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
}

function wineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEARCH: 'win64', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  delete env.DISPLAY;
  return env;
}

function toWinePath(unixPath: string): string {
  return 'Z:' + unixPath.replaceAll('/', '\\');
}

function regSetDefault(env: NodeJS.ProcessEnv, client: string): void {
  run(wine64, ['reg', 'add', 'HKLM\\Software\\Clients\\Mail', '/ve', '/t', 'REG_SZ', '/d', client, '/f'], env, true);
}

let built = false;
/** MAPI_TEST_HELPER_EXE runs the tests against another build of the helper (e.g. an older one, to see a test
 *  catch the behaviour it fixed); the provider is always this tree's. */
const helperExe = process.env.MAPI_TEST_HELPER_EXE || path.join(buildDir, 'mapi-helper.exe');

/** Builds native/ (incremental) and makes the cached prefix once per process. */
function buildAndRegister(env: NodeJS.ProcessEnv): void {
  if (built) return;
  const buildStart = Date.now();
  run(path.join(repoRoot, 'native', 'build.sh'), [], env);
  const buildSeconds = (Date.now() - buildStart) / 1000;
  const prefixStart = Date.now();
  const x64 = path.join(buildDir, 'mapi-test-provider.dll');
  const x86 = path.join(buildDir, 'mapi-test-provider-x86.dll');
  const marker = path.join(prefix, '.mail-agent-ready');
  const want = `${x64}\n${x86}\n`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== want) {
    mkdirSync(prefix, { recursive: true });
    run(path.join(repoRoot, 'native', 'wine-prefix.sh'), [prefix, x64], env, true);
    run(wine64, ['reg', 'add', `HKLM\\Software\\Clients\\Mail\\${providerClientX86}`, '/v', 'DLLPathEx', '/t', 'REG_SZ', '/d', toWinePath(x86), '/f'], env, true);
    writeFileSync(marker, want);
    // A fresh clone pays this once: say where the time of the first MAPI test file went.
    console.log(`MAPI tests: native/ built in ${buildSeconds.toFixed(1)} s, Wine prefix made in ${((Date.now() - prefixStart) / 1000).toFixed(1)} s (cached in ${path.relative(repoRoot, prefix)})`);
  } else if (buildSeconds > 5) {
    console.log(`MAPI tests: native/ rebuilt in ${buildSeconds.toFixed(1)} s`);
  }
  built = true;
}

/** Installs the MSI of native/test-provider-msi.sh (the 32-bit stand-in) once per prefix; registers the client. */
function installMsiProvider(env: NodeJS.ProcessEnv): void {
  const marker = path.join(prefix, '.mail-agent-msi');
  const x64 = path.join(buildDir, 'mapi-test-provider.dll');
  if (!existsSync(marker)) {
    const dir = path.join(buildDir, 'msi');
    run(path.join(repoRoot, 'native', 'test-provider-msi.sh'), [dir, path.join(buildDir, 'mapi-test-provider-x86.dll')], env);
    run(wine64, ['msiexec', '/i', toWinePath(path.join(dir, 'provider.msi')), '/qn'], env, true);
    writeFileSync(marker, '');
  }
  const key = `HKLM\\Software\\Clients\\Mail\\${providerClientMsi}`;
  run(wine64, ['reg', 'add', key, '/v', 'DLLPathEx', '/t', 'REG_SZ', '/d', toWinePath(x64), '/f'], env, true);
  run(wine64, ['reg', 'add', key, '/v', 'MSIComponentID', '/t', 'REG_SZ', '/d', msiComponentId, '/f'], env, true);
  regSetDefault(env, providerClientMsi);
}

/** Call only when the Wine tools are present (wineTests checks). */
export function prepareWine(name: string): Wine {
  const env = wineEnv();
  buildAndRegister(env);
  // Keep one wineserver warm for the whole file, its output off our pipes (mapi-notes gotcha 3).
  spawnSync(wineserver, ['-p30'], { env, stdio: 'ignore' }); // fails harmlessly when one already runs
  regSetDefault(env, providerClient); // a run cut short may have left the x86 stand-in registered
  const tmp = mkdtempSync(path.join(os.tmpdir(), `mapi-${name}-`));
  let logs = 0;
  return {
    tmp,
    env: (extra = {}) => ({
      ...env,
      MAIL_AGENT_MAPI_HELPER: `${wine64} ${helperExe}`,
      MAPI_TEST_PROFILES: 'Outlook*,Notifications',
      ...extra,
      ...(extra.MAPI_TEST_PROVIDER_LOG ? { MAPI_TEST_PROVIDER_LOG: toWinePath(extra.MAPI_TEST_PROVIDER_LOG) } : {}),
      ...(extra.MAPI_TEST_HANG_ONCE ? { MAPI_TEST_HANG_ONCE: toWinePath(extra.MAPI_TEST_HANG_ONCE) } : {}),
    }),
    newLog: () => path.join(tmp, `provider-${++logs}.jsonl`),
    useProvider: (which) => (which === 'msi' ? installMsiProvider(env)
      : regSetDefault(env, { x64: providerClient, x86: providerClientX86, none: 'No Such Mail Client' }[which])),
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** The provider's records: one per submitted message. */
export interface ProviderRecord {
  profile: string;
  logonFlags: number;
  /** The store the message was submitted to: the server's (online) or the profile's cached copy. */
  store: 'online' | 'cached';
  /** Submitted to a cached store: in its Outbox until a sync tick transports it (see transported()). */
  outbox: boolean;
  /** The probe message the provider posted at logon was gone from the init thread's queue at submit. */
  pumped: boolean;
  /** The message set a represented sender without its entry id: the provider put the owner in its place. */
  representingRewritten: boolean;
  /** Recipients Exchange would answer with a non-delivery report (no usable PR_ENTRYID). */
  ndr: { to: string | null; reason: string }[];
  props: Record<string, string | number | boolean | null>;
  recipients: Record<string, string | number | boolean | null>[];
  attachments: Record<string, string | number | boolean | null>[];
}

function logLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function readLog(file: string): ProviderRecord[] {
  return logLines(file).filter((line) => 'props' in line) as unknown as ProviderRecord[];
}

/** The Message-IDs a cached store's sync ticks took out of the Outbox, in order. */
export function transported(file: string): string[] {
  return logLines(file).flatMap((line) => (typeof line.transported === 'string' ? [line.transported] : []));
}

/**
 * Defines a file's Wine tests when the tools are here (else: failing in CI, listed at the end elsewhere).
 * `wine()` gives the prepared Wine inside a test.
 */
export function wineTests(file: string, suite: Test, define: (wine: () => Wine) => void, moreTools: ToolName[] = []): void {
  if (!needTools(pathToFileURL(path.join(repoRoot, file)).href, suite, [...wineTools, ...moreTools])) return;
  let prepared: Wine | undefined;
  suite.before(() => { prepared = prepareWine(path.basename(file, '.test.ts')); });
  suite.after(() => prepared?.cleanup());
  define(() => {
    if (!prepared) throw new Error('Wine was not prepared');
    return prepared;
  });
}
