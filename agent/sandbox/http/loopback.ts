// The control endpoints answer only on loopback: a peer address is loopback by the agent's own rule
// (config/listen.ts: 127.0.0.0/8, ::1, also as ::ffff:127.x).
import { isLoopbackHost } from '../../config/listen.ts';

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && isLoopbackHost(address);
}
