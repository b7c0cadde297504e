// Collects unhandled rejections while a test file runs: no library promise may escape the transport. The
// file's last test checks what was seen during the tests; one that surfaces later still (a socket's error
// after close(), a timer's rejection) is checked when the process has nothing left to do ('beforeExit': every
// socket, timer and request the tests started has ended), and fails the file with exit code 1.
export interface UnhandledWatch {
  readonly seen: unknown[];
}

export function watchUnhandled(): UnhandledWatch {
  const seen: unknown[] = [];
  process.on('unhandledRejection', (reason: unknown) => { seen.push(reason); });
  process.once('beforeExit', () => {
    if (seen.length === 0) return;
    console.error(`unhandled rejections escaped:\n${seen.map((reason) => (reason instanceof Error ? reason.stack : String(reason))).join('\n')}`);
    process.exitCode = 1;
  });
  return { seen };
}
