// The part of fs-native-extensions (holepunch; N-API, prebuilt for Linux, macOS and Windows) the state-dir
// lock uses. The package ships no types.
declare module 'fs-native-extensions' {
  /** An exclusive (or, with shared, a read) lock on the whole file; false when another holder has it. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
