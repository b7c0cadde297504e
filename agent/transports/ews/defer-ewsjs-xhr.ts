// A patch of a third-party package (docs/performance.md, "Patches of third-party code": what it saves, the
// upstream issue, the test that fails when it stops applying, test/build/vendor-patches.test.ts).
// ews-javascript-api requires its default HTTP layer, @ewsjs/xhr (with tough-cookie, http-cookie-agent and
// a public-suffix list), at load time, though the transport always plugs in its own (xhr-adapter.ts). This
// module, imported before ews-javascript-api, puts a stand-in into require's cache whose exports load the
// real module on first use, so anything that does use @ewsjs/xhr still gets it.
// (Node 20 has no module.registerHooks; require.cache is documented as writable.)
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);
const names = ['XhrApi', 'NtlmProvider', 'CookieProvider'] as const;

function install(): void {
  let path: string;
  try {
    path = createRequire(require.resolve('ews-javascript-api')).resolve('@ewsjs/xhr');
  } catch {
    return; // not installed where the library looks: nothing to defer
  }
  if (require.cache[path]) return; // already loaded
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  let real: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => {
    if (real) return real;
    if (require.cache[path] === standIn) delete require.cache[path];
    real = require(path) as Record<string, unknown>;
    return real;
  };
  // Importing ews-javascript-api from ESM reads every export of it, its re-exports of these classes too:
  // each is a stand-in that forwards construction and property reads to the real class.
  const exports: Record<string, unknown> = {};
  for (const name of names) {
    const real = () => load()[name] as new (...args: unknown[]) => object;
    exports[name] = new Proxy(function standInClass() { /* forwarded */ }, {
      construct: (_target, args) => Reflect.construct(real(), args),
      get: (_target, key) => Reflect.get(real(), key) as unknown,
      has: (_target, key) => Reflect.has(real(), key),
    });
  }
  standIn.exports = exports;
  require.cache[path] = standIn;
}

install();
