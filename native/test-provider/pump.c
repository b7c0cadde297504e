/* Work that MAPI does through the message queue of the thread that called MAPIInitialize. Real MAPI posts
 * window messages there (notifications, background work); a caller that never pumps that queue stalls them.
 * Here: a probe message posted at each logon (recorded with each submitted message as "pumped"), and the
 * sync ticks of a cached store, a timer on that thread, so a cached Outbox drains only while it is pumped. */
#include "provider.h"

#define PROBE_MESSAGE (WM_APP + 0x4D)

static DWORD init_thread;
static BOOL cached_store_open;

static void CALLBACK sync_timer(HWND hwnd, UINT message, UINT_PTR id, DWORD time) {
  if (cached_store_open) store_sync_tick();
}

void pump_initialize(void) {
  MSG msg;
  init_thread = GetCurrentThreadId();
  PeekMessageA(&msg, NULL, 0, 0, PM_NOREMOVE); /* gives the thread its message queue */
  UINT every = config_sync_ms();
  if (config_store_mode() != STORE_ONLINE && every > 0) SetTimer(NULL, 0, every, sync_timer);
}

void pump_post_probe(void) {
  if (init_thread) PostThreadMessageA(init_thread, PROBE_MESSAGE, 0, 0);
}

BOOL pump_probe_removed(void) {
  MSG msg;
  if (GetCurrentThreadId() != init_thread) return FALSE; /* MAPI called from another thread than it was initialized on */
  return !PeekMessageA(&msg, (HWND)-1, PROBE_MESSAGE, PROBE_MESSAGE, PM_NOREMOVE);
}

void pump_cached_store_opened(void) { cached_store_open = TRUE; }
