// What the agent's parts need from a logger (winston's Logger satisfies it; tests pass a recorder).
export interface Log {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export const silentLog: Log = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
