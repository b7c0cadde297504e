// How to run the helper: $MAIL_AGENT_MAPI_HELPER (a command line, e.g. `/usr/lib/wine/wine64
// native/build/mapi-helper.exe`), else on Windows the bundled native/build/mapi-helper.exe.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentError, ErrorCodes } from '../../errors.ts';

export const helperEnvVar = 'MAIL_AGENT_MAPI_HELPER';

/** Splits a command line on blanks; double quotes group (Windows paths have spaces). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let started = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** The bundled helper, relative to this module both in the sources and once compiled to dist/. */
function bundledHelper(): string {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  if (path.basename(root) === 'dist') root = path.dirname(root);
  return path.join(root, 'native', 'build', 'mapi-helper.exe');
}

export function resolveHelperCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const configured = env[helperEnvVar]?.trim();
  if (configured) return splitCommandLine(configured);
  if (platform === 'win32') return [bundledHelper()];
  throw new AgentError(
    ErrorCodes.PlatformUnsupported,
    'Extended MAPI needs Windows with 64-bit Outlook: run the agent on Windows, or set ' +
      `${helperEnvVar} to a command that runs native/build/mapi-helper.exe (e.g. under Wine for tests)`,
  );
}
