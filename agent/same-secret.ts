// Comparing a password or secret someone presented with the expected one in constant time: both are hashed
// first, so neither the content nor the length of the expected one shows in the time taken.
import { createHash, timingSafeEqual } from 'node:crypto';

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digestOf(given), digestOf(expected));
}
