// Exchange builds → EWS schema versions (the table exchangelib uses), and the step-down order for
// `version: auto` when a server answers ErrorInvalidServerVersion.
import { ExchangeVersions, type ExchangeVersion } from '../../config/settings.ts';

export interface ServerBuild {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

export function versionForBuild({ major, minor, build }: ServerBuild): ExchangeVersion | undefined {
  if (major === 8) return minor === 0 ? undefined : 'Exchange2007_SP1'; // 8.0 (Exchange2007) is below our floor
  if (major === 14) {
    if (minor === 0) return 'Exchange2010';
    if (minor === 1) return 'Exchange2010_SP1';
    return 'Exchange2010_SP2';
  }
  if (major === 15) {
    if (minor === 0) return build >= 847 ? 'Exchange2013_SP1' : 'Exchange2013';
    return 'Exchange2016';
  }
  if (major > 15) return 'Exchange2016';
  return undefined;
}

export function formatBuild({ major, minor, build, revision }: ServerBuild): string {
  return `${major}.${minor}.${build}.${revision}`;
}

/** Versions to try for `auto`, newest first. */
export function autoCandidates(): ExchangeVersion[] {
  return [...ExchangeVersions].reverse();
}
