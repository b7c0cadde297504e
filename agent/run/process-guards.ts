// A daemon must not die of a stray rejection (ews-javascript-api raises unhandled rejections on a
// non-XML 500): log it and carry on. Signals: SIGTERM/SIGINT stop, SIGHUP re-reads.
import type { Log } from '../log/types.ts';

export interface SignalHandlers {
  stop(signal: NodeJS.Signals): void;
  reread(): void;
}

/** Installs the handlers; returns their removal. */
export function installProcessGuards(log: Log, handlers: SignalHandlers): () => void {
  const onRejection = (reason: unknown) => {
    log.error('unhandled rejection (ignored, the agent keeps running)', { error: reason instanceof Error ? reason.message : typeof reason });
  };
  const onException = (err: Error) => {
    log.error('uncaught exception (the agent keeps running)', { error: err.message });
  };
  const onStop = (signal: NodeJS.Signals) => { handlers.stop(signal); };
  const onHup = () => { log.info('SIGHUP: reading the settings file again'); handlers.reread(); };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
  };
}
