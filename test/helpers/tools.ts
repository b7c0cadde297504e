// External tools the cross-checks need (independent clients, validators, deploy checkers), and what to do
// when one is missing. With CI=true (.ci/run) a missing tool is a failing test that names it; elsewhere the
// tests that need it are left out and one summary at the end of the run lists them with the command that
// installs everything. The Debian package list is .ci/apt-packages, which .ci/run installs from too.
// A few needs are not packages but privileges (root's mount for the disk-fault tests): the same rules hold.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'uvu';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PackageSpec {
  /** The Debian package that provides it. */
  pkg: string;
  /** True when the tool is usable here. */
  present: () => boolean;
}

interface PrivilegeSpec {
  /** What the machine must grant, since no package provides it. */
  privilege: string;
  present: () => boolean;
}

type ToolSpec = PackageSpec | PrivilegeSpec;

const onPath = (command: string) => () => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const pythonModule = (module: string) => () => spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

/** Mounting a tmpfs works here (root, and a container that allows it): tried once, on a scratch folder. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(path.join(tmpdir(), 'mail-agent-mount-probe-'));
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) return false;
    spawnSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } finally {
    rmdirSync(dir);
  }
}

export const toolSpecs = {
  python3: { pkg: 'python3', present: () => existsSync('/usr/bin/python3') },
  exchangelib: { pkg: 'python3-exchangelib', present: pythonModule('exchangelib') },
  msal: { pkg: 'python3-msal', present: pythonModule('msal') },
  xmllint: { pkg: 'libxml2-utils', present: onPath('xmllint') },
  swaks: { pkg: 'swaks', present: onPath('swaks') },
  // swaks speaks STARTTLS only with Net::SSLeay (a Recommends of swaks, which --no-install-recommends skips).
  'swaks-tls': { pkg: 'libnet-ssleay-perl', present: () => spawnSync('perl', ['-MNet::SSLeay', '-e', '1'], { stdio: 'ignore' }).status === 0 },
  smtplib: { pkg: 'python3', present: () => existsSync('/usr/bin/python3') },
  ansible: { pkg: 'ansible-core', present: onPath('ansible-playbook') },
  'systemd-analyze': { pkg: 'systemd', present: onPath('systemd-analyze') },
  ss: { pkg: 'iproute2', present: onPath('ss') },
  vim: { pkg: 'vim', present: onPath('vim') },
  git: { pkg: 'git', present: onPath('git') },
  mingw: { pkg: 'g++-mingw-w64-x86-64-win32', present: onPath('x86_64-w64-mingw32-g++') },
  'nlohmann-json': { pkg: 'nlohmann-json3-dev', present: () => existsSync('/usr/include/nlohmann/json.hpp') },
  wine64: { pkg: 'wine64', present: () => existsSync('/usr/lib/wine/wine64') },
  // Runs a process under a hostname of its own (a UTS namespace): needs root, as in CI.
  'unshare-uts': { pkg: 'util-linux', present: () => spawnSync('unshare', ['--uts', 'true'], { stdio: 'ignore' }).status === 0 },
  setpriv: { pkg: 'util-linux', present: onPath('setpriv') },
  mount: { privilege: 'root, to mount a small tmpfs; run the tests as root, as .ci/run does', present: canMountTmpfs },
  msitools: { pkg: 'msitools', present: onPath('msibuild') },
} satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof toolSpecs;

/** How a missing tool is named in messages: its Debian package, or the privilege it needs. */
function provider(name: ToolName): string {
  const spec: ToolSpec = toolSpecs[name];
  return 'pkg' in spec ? `Debian package ${spec.pkg}` : `needs ${spec.privilege}`;
}

const presence = new Map<ToolName, boolean>();
/** What was left out (test files, or checks inside tests), per missing tool. */
const notRun = new Map<ToolName, Set<string>>();

export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true' || env.CI === '1';

/** MAIL_AGENT_TEST_WITHOUT=swaks,wine64 (or `all`) plays a machine without those tools. */
const hidden = new Set((process.env.MAIL_AGENT_TEST_WITHOUT ?? '').split(',').map((name) => name.trim()).filter(Boolean));

export function hasTool(name: ToolName): boolean {
  let known = presence.get(name);
  if (known === undefined) {
    known = !hidden.has(name) && !hidden.has('all') && toolSpecs[name].present();
    presence.set(name, known);
  }
  return known;
}

/** The tools of `names` that are missing here. */
export function missingTools(names: readonly ToolName[]): ToolName[] {
  return names.filter((name) => !hasTool(name));
}

/**
 * Whether a test file's tests that need `names` can run. When a tool is missing: in CI, `suite` gets one
 * failing test naming it (and the package); elsewhere the file is noted for the end-of-run summary. Either
 * way the caller defines its tests only when this returns true.
 */
export function needTools(fileUrl: string, suite: Test, names: readonly ToolName[]): boolean {
  const missing = missingTools(names);
  if (missing.length === 0) return true;
  const file = path.relative(repoRoot, fileURLToPath(fileUrl));
  const what = missing.map((name) => `${name} (${provider(name)})`).join(', ');
  if (inCi()) {
    suite(`needs ${missing.join(', ')}`, () => {
      throw new Error(`${file}: ${what} is missing; CI=true requires it. .ci/run installs it`);
    });
    return false;
  }
  for (const name of missing) noteNotRun(name, file);
  return false;
}

/**
 * For a check inside a test that can run without it (e.g. a schema check after the assertions): true when
 * `name` is here. Missing: throws in CI, otherwise notes `what` for the summary and returns false.
 */
export function toolForCheck(name: ToolName, what: string): boolean {
  if (hasTool(name)) return true;
  if (inCi()) throw new Error(`${what}: ${name} (${provider(name)}) is missing; CI=true requires it. .ci/run installs it`);
  noteNotRun(name, what);
  return false;
}

function noteNotRun(name: ToolName, what: string): void {
  const entries = notRun.get(name) ?? new Set<string>();
  entries.add(what);
  notRun.set(name, entries);
}

/** The packages .ci/run installs (comments and blank lines dropped). */
export function ciPackages(): string[] {
  const text = readFileSync(path.join(repoRoot, '.ci/apt-packages'), 'utf8');
  return text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
}

/** What could not run here, per missing tool (what the end-of-run summary lists). */
export type NotRun = ReadonlyMap<ToolName, ReadonlySet<string>>;

/** The end-of-run summary of what could not run here, or undefined when everything ran. */
export function notRunSummary(entries: NotRun = notRun): string | undefined {
  if (entries.size === 0) return undefined;
  const lines = ['', 'Not run on this machine: these cross-checks need tools that are not installed, or privileges this run does not have.'];
  for (const [name, files] of entries) {
    const spec: ToolSpec = toolSpecs[name];
    lines.push(`  ${name} (${'pkg' in spec ? spec.pkg : `needs ${spec.privilege}`}): ${[...files].sort().join(', ')}`);
  }
  if ([...entries.keys()].some((name) => 'pkg' in toolSpecs[name])) {
    lines.push('Install everything the tests use (what .ci/run does), then run npm test again:');
    lines.push(`  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${ciPackages().join(' ')}`);
  }
  return lines.join('\n');
}

/**
 * When the suite runs its files in several processes (test/runner.ts), each process leaves what it could
 * not run in this folder (one JSON file per process) and the runner prints one merged summary.
 */
export const notRunDirVariable = 'MAIL_AGENT_TEST_NOT_RUN_DIR';

/** Merges the files the test processes left in `dir` (see notRunDirVariable). */
export function readNotRun(dir: string): NotRun {
  const merged = new Map<ToolName, Set<string>>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, string[]>;
    for (const [name, what] of Object.entries(entries)) {
      if (!(name in toolSpecs)) throw new Error(`${file}: unknown tool ${name}`);
      const set = merged.get(name as ToolName) ?? new Set<string>();
      for (const item of what) set.add(item);
      merged.set(name as ToolName, set);
    }
  }
  return merged;
}

// The summary is printed once, as the run ends: by this process when uvu runs every file in it, else by the
// runner that started it, from the file this process leaves.
process.once('exit', () => {
  const dir = process.env[notRunDirVariable];
  if (dir) {
    if (notRun.size > 0) writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(Object.fromEntries([...notRun].map(([name, what]) => [name, [...what]]))));
    return;
  }
  const summary = notRunSummary();
  if (summary) process.stdout.write(`${summary}\n`);
});
