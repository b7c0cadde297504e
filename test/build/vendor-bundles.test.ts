// The build's vendor bundles (scripts/vendor-bundles.ts), built into a temporary dist: the compiled agent's
// imports point at the facades, which have the packages' exports; V8 accepts the code cache; a bad cache or
// a missing bundle only costs time; ews-javascript-api's services guess their time zone only when asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { vendorPackage } from '../../scripts/vendor-bundles.ts';
import { vendored } from '../../scripts/vendor-packages.ts';
import { cacheFileOf, loadPackage, type LoadedBundle } from '../../agent/vendor/script-bundle.ts';
import { tempDir } from '../helpers/temp-dir.ts';

type Library = typeof import('ews-javascript-api');
const require = createRequire(import.meta.url);
const loaderSource = path.resolve(import.meta.dirname, '../../agent/vendor/script-bundle.ts');
const packageName = 'ews-javascript-api';
const dir = await tempDir('ews-bundle');
const dist = path.join(dir.path, 'dist');
const user = path.join(dist, 'agent/transports/ews/user.js');
const other = path.join(dist, 'agent/log/user.js');
let built: Awaited<ReturnType<typeof vendorPackage>>;

test.before(async () => {
  // A compiled module that imports the package, and the loader where the facade expects it.
  await mkdir(path.dirname(user), { recursive: true });
  await writeFile(user, `import { ExchangeService, ExchangeVersion } from '${packageName}';\nexport const made = new ExchangeService(ExchangeVersion.Exchange2013);\n`);
  await mkdir(path.join(dist, 'agent/vendor'), { recursive: true });
  await writeFile(path.join(dist, 'agent/vendor/script-bundle.js'), `export * from ${JSON.stringify(pathToFileURL(loaderSource).href)};\n`);
  await mkdir(path.dirname(other), { recursive: true });
  await writeFile(other, "import winston from 'winston';\nimport { parse } from 'yaml';\nimport { createMD4 } from 'hash-wasm';\nexport { winston, parse, createMD4 };\n");
  for (const pkg of vendored.filter((p) => p.name !== packageName)) await vendorPackage(dist, pkg);
  built = await vendorPackage(dist, vendored.find((p) => p.name === packageName)!);
});
test.after(() => dir.cleanup());

test('the compiled imports point at the facade, which has every export of the package', async () => {
  assert.is(built.redirected, 1);
  assert.match(await readFile(user, 'utf8'), `from '../../../vendor/${packageName}.js'`);
  const facade = await import(pathToFileURL(built.files.facade).href) as Record<string, unknown>;
  const expected = Object.keys(require(packageName) as object).filter((n) => n !== 'default').sort();
  assert.equal(Object.keys(facade).filter((n) => n !== 'default').sort(), expected);
  const { made } = await import(pathToFileURL(user).href) as { made: InstanceType<Library['ExchangeService']> };
  assert.instance(made, (facade as unknown as Library).ExchangeService);
  assert.not.instance(made, (require(packageName) as Library).ExchangeService); // the bundle's class, not the package's
});

test('the other packages: the same behaviour through their facades', async () => {
  const text = await readFile(other, 'utf8');
  for (const name of ['winston', 'yaml', 'hash-wasm']) assert.match(text, `'../../vendor/${name}.js'`);
  const { winston, parse, createMD4 } = await import(pathToFileURL(other).href) as { winston: typeof import('winston'); parse: (s: string) => unknown; createMD4: typeof import('hash-wasm').createMD4 };
  assert.equal(parse('a: [1, two]\n'), { a: [1, 'two'] });
  const md4 = await createMD4();
  assert.is(md4.init().update('abc').digest(), 'a448017aaf21d8525fc10ae87aa6729d'); // RFC 1320's test vector
  const lines: string[] = [];
  const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream: new (await import('node:stream')).Writable({ write(c: Buffer, _e, done) { lines.push(c.toString()); done(); } }) })] });
  logger.info('hello', { n: 1 });
  assert.equal(JSON.parse(lines[0]!), { level: 'info', message: 'hello', n: 1 });
});

test('an import of a name a tree-shaken bundle lacks fails the build', async () => {
  const lacking = path.join(dir.path, 'lacking');
  await mkdir(path.join(lacking, 'agent/vendor'), { recursive: true });
  await writeFile(path.join(lacking, 'agent/vendor/script-bundle.js'), `export * from ${JSON.stringify(pathToFileURL(loaderSource).href)};\n`);
  await writeFile(path.join(lacking, 'agent/x.js'), "import { createSHA1 } from 'hash-wasm';\n");
  try {
    await vendorPackage(lacking, vendored.find((p) => p.name === 'hash-wasm')!);
    assert.unreachable('built');
  } catch (error) {
    assert.match(String(error), 'x.js imports createSHA1 from hash-wasm');
  }
});

/** The bundle loaded by a fresh Node, as the agent loads it: once per process. (Within one process V8 finds
 *  a script it compiled before in its own compilation cache, and from Node 24 on it then reports whatever
 *  cache it was given as accepted.) */
function loadInFreshNode(bundle: string): { cache: LoadedBundle['cache']; service: string } {
  const script = `import { readFileSync } from 'node:fs';
import { runBundle } from ${JSON.stringify(pathToFileURL(loaderSource).href)};
const loaded = runBundle(${JSON.stringify(bundle)}, readFileSync(${JSON.stringify(bundle)}, 'utf8'), ${JSON.stringify(require.resolve(packageName))});
console.log(JSON.stringify({ cache: loaded.cache, service: typeof loaded.exports.ExchangeService }));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' })) as { cache: LoadedBundle['cache']; service: string };
}

test('V8 accepts the code cache; a damaged one is rejected and the bundle still runs', async () => {
  assert.equal(loadInFreshNode(built.files.bundle), { cache: 'accepted', service: 'function' });
  const cache = await readFile(cacheFileOf(built.files.bundle));
  await writeFile(cacheFileOf(built.files.bundle), cache.subarray(0, 64));
  assert.equal(loadInFreshNode(built.files.bundle), { cache: 'rejected', service: 'function' });
  await rm(cacheFileOf(built.files.bundle));
  assert.equal(loadInFreshNode(built.files.bundle), { cache: 'absent', service: 'function' });
});

test('without the bundle the facade loads the package itself', () => {
  const missing = pathToFileURL(path.join(dir.path, 'nowhere.cjs'));
  assert.is(loadPackage(missing, packageName), require(packageName));
});

test('names the library reads from constructors survive minifying', async () => {
  const facade = await import(pathToFileURL(built.files.facade).href) as Library;
  assert.is(facade.EmailMessage.name, 'EmailMessage');
  assert.ok((facade.EmailMessage as unknown as { Attachable: boolean }).Attachable);
});

test('a service from the bundle guesses the local time zone only when it is read, and gets the same', async () => {
  const facade = await import(pathToFileURL(built.files.facade).href) as Library;
  const zones = facade.TimeZoneInfo as unknown as { _localTimeZone: unknown };
  const { made } = await import(pathToFileURL(user).href) as { made: InstanceType<Library['ExchangeService']> };
  assert.is(zones._localTimeZone, null); // user.js made a service, and nothing guessed yet
  assert.is(made.TimeZone, facade.TimeZoneInfo.Local);
  assert.is(made.TimeZone.Id, (require(packageName) as Library).TimeZoneInfo.Local.Id);
  const utc = new facade.ExchangeService(facade.ExchangeVersion.Exchange2013, facade.TimeZoneInfo.Utc);
  assert.is(utc.TimeZone, facade.TimeZoneInfo.Utc); // a zone given to the constructor still wins
});

test.run();
