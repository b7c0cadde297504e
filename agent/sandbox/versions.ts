// Exchange versions the sandbox can impersonate, in order, with a realistic build for each.
export const EXCHANGE_VERSIONS = [
  'Exchange2007', 'Exchange2007_SP1', 'Exchange2010', 'Exchange2010_SP1', 'Exchange2010_SP2',
  'Exchange2013', 'Exchange2013_SP1', 'Exchange2016', 'Exchange2019',
] as const;

export type ExchangeVersion = (typeof EXCHANGE_VERSIONS)[number];

export interface ServerBuild { major: number; minor: number; build: number; revision: number; schema: string }

// The server build each configured version reports (what a real server of that release says).
const BUILDS: Record<ExchangeVersion, ServerBuild> = {
  Exchange2007: { major: 8, minor: 0, build: 685, revision: 24, schema: 'Exchange2007' },
  Exchange2007_SP1: { major: 8, minor: 3, build: 485, revision: 1, schema: 'Exchange2007_SP1' },
  Exchange2010: { major: 14, minor: 0, build: 639, revision: 21, schema: 'Exchange2010' },
  Exchange2010_SP1: { major: 14, minor: 1, build: 438, revision: 0, schema: 'Exchange2010_SP1' },
  Exchange2010_SP2: { major: 14, minor: 3, build: 513, revision: 0, schema: 'Exchange2010_SP2' },
  Exchange2013: { major: 15, minor: 0, build: 775, revision: 38, schema: 'Exchange2013' },
  Exchange2013_SP1: { major: 15, minor: 0, build: 1497, revision: 2, schema: 'Exchange2013_SP1' },
  Exchange2016: { major: 15, minor: 1, build: 2507, revision: 6, schema: 'V2017_07_11' },
  Exchange2019: { major: 15, minor: 2, build: 1544, revision: 4, schema: 'V2017_07_11' },
};

// RequestServerVersion values a client may send, mapped to the release that introduced them.
const REQUEST_RANK: Record<string, number> = {
  Exchange2007: 0, Exchange2007_SP1: 1, Exchange2010: 2, Exchange2010_SP1: 3, Exchange2010_SP2: 4,
  Exchange2013: 5, Exchange2013_SP1: 6, Exchange2015: 7, Exchange2015_SP1: 7, Exchange2016: 7, V2015_10_05: 7, V2016_01_06: 7,
  V2016_04_13: 7, V2016_07_13: 7, V2016_10_10: 7, V2017_01_07: 7, V2017_04_14: 7, V2017_07_11: 7,
  Exchange2019: 8,
};

export function isExchangeVersion(value: string): value is ExchangeVersion {
  return (EXCHANGE_VERSIONS as readonly string[]).includes(value);
}

export function buildOf(version: ExchangeVersion): ServerBuild {
  return BUILDS[version];
}

/** May a server of `configured` answer a request for `requested`? Unknown or newer versions: no. */
export function acceptsRequestVersion(configured: ExchangeVersion, requested: string): boolean {
  const rank = REQUEST_RANK[requested];
  return rank !== undefined && rank <= EXCHANGE_VERSIONS.indexOf(configured);
}
