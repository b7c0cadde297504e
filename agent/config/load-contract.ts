// The loader's contract, fixed here so that watch/reconcile and the loader can be built apart.
// Implementation: agent/config/load.ts exports `loadConfig` with this signature.
import type { ErrorCode } from '../errors.ts';
import type { ConfigIssue, LoadedConfig } from './settings.ts';

export interface LoadOptions {
  /** Read secret files / variables (default true). `validate` without --resolve-secrets passes false. */
  resolveSecrets?: boolean;
  /** Environment for `{env: NAME}` secrets (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Raw bytes already read by the caller (the watcher reads once, digests, then loads). */
  bytes?: Buffer;
  /** The install's digest key (agent/state/digest-key.ts). Without it the settings digest is keyed with a
   *  random key of this process: comparable within it, meaningless (and no oracle) outside. */
  digestKey?: Uint8Array;
}

export type LoadResult =
  | { ok: true; config: LoadedConfig }
  | {
      ok: false;
      /** Undefined only when the file could not be read at all. */
      revision: string | undefined;
      /** SchemaViolation, YamlSyntax, SemanticViolation, EncryptedConfigNotDecrypted, SecretUnreadable, ConfigMissing, ConfigUnreadable, ConfigTooLarge */
      reason: ErrorCode;
      issues: ConfigIssue[];
    };

export type LoadConfig = (path: string, options?: LoadOptions) => Promise<LoadResult>;
