// The packages the build bundles into dist/vendor/ (scripts/vendor-bundles.ts), with why: each showed in the
// compiled agent's cold-start CPU profile (figures: docs/performance.md). The plugins below patch
// third-party code; docs/performance.md, "Patches of third-party code", gives for each what it saves, the
// upstream issue and the test that fails when it stops applying.
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

export interface VendoredPackage {
  name: string;
  /** Left out of the bundle, required at run time from the package's own location. */
  external?: string[];
  /** Bundle only these exports, from the package's ES module build (tree-shaken); else all of its CommonJS. */
  only?: string[];
  plugins?: Plugin[];
}

// Every ExchangeService reads TimeZoneInfo.Local in its constructor: moment-timezone guesses the host's zone
// (Intl, then scoring every zone with the host's offsets; ICU data pages and unpacked zones, on a UTC
// host). The agent's requests never carry times, so the service reads its zone only if a request needs it
// (TimeZoneContext header, dates); the guess is the same, only later.
const serviceBase = /[\\/]ews-javascript-api[\\/]js[\\/]Core[\\/]ExchangeServiceBase\.js$/;
export const eagerTimeZone = 'this.timeZone = TimeZoneInfo_1.TimeZoneInfo.Local;';
const lazyTimeZone = `Object.defineProperty(this, "timeZone", { configurable: true, enumerable: true,
  get() { const zone = TimeZoneInfo_1.TimeZoneInfo.Local; Object.defineProperty(this, "timeZone", { value: zone, writable: true, configurable: true, enumerable: true }); return zone; },
  set(zone) { Object.defineProperty(this, "timeZone", { value: zone, writable: true, configurable: true, enumerable: true }); } });`;
const timeZoneOnDemand: Plugin = {
  name: 'time-zone-on-demand',
  setup(b) {
    b.onLoad({ filter: serviceBase }, async ({ path: file }) => {
      const text = await readFile(file, 'utf8');
      // A library update that changes this line must fail the build, not quietly keep the cost.
      if (text.split(eagerTimeZone).length !== 2) throw new Error(`vendor: ${eagerTimeZone} not found once in ${file}`);
      return { contents: text.replace(eagerTimeZone, lazyTimeZone), loader: 'js' };
    });
  },
};

// moment-timezone's zone data (727 KB of JSON) would sit in the bundle's source, which V8 keeps in the heap
// beside the parsed data; required at run time instead (from the library's own location, as it would be),
// its text is garbage once parsed.
const zoneDataOutside: Plugin = {
  name: 'zone-data-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/data\/packed\/latest\.json$/ }, ({ importer }) =>
      /[\\/]moment-timezone[\\/]index\.js$/.test(importer) ? { path: 'moment-timezone/data/packed/latest.json', external: true } : undefined);
  },
};

export const vendored: readonly VendoredPackage[] = [
  // ~870 CommonJS modules, the largest part of a cold start. @ewsjs/xhr is deferred (defer-ewsjs-xhr.ts).
  { name: 'ews-javascript-api', external: ['@ewsjs/xhr', '@azure/msal-node'], plugins: [timeZoneOnDemand, zoneDataOutside] },
  // winston + logform + readable-stream + async + diagnostics: ~60 modules.
  { name: 'winston' },
  // The CommonJS build Node picks, ~25 modules, each read by the lexer for its exports.
  { name: 'yaml' },
  // Its CommonJS build carries every algorithm's WebAssembly (277 KB of source kept in the heap); NTLM needs MD4.
  { name: 'hash-wasm', only: ['createMD4'] },
];
