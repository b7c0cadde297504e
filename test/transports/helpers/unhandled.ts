// Collects unhandled rejections while a test file runs: no library promise may escape the transport.
export interface UnhandledWatch {
  readonly seen: unknown[];
  stop(): void;
}

export function watchUnhandled(): UnhandledWatch {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => { seen.push(reason); };
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}
