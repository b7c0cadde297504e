#include "pump.h"

void pump_messages() {
  MSG msg;
  while (PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE)) {
    if (msg.message == WM_QUIT) continue;  // the helper ends when stdin does, not on WM_QUIT
    TranslateMessage(&msg);
    DispatchMessageW(&msg);
  }
}

bool pump_wait(HANDLE handle, DWORD ms) {
  ULONGLONG deadline = GetTickCount64() + ms;
  DWORD count = handle ? 1 : 0;
  for (;;) {
    pump_messages();
    ULONGLONG now = GetTickCount64();
    DWORD left = ms == INFINITE ? INFINITE : now >= deadline ? 0 : (DWORD)(deadline - now);
    // QS_ALLINPUT: wake for anything that arrives in the queue, then dispatch it above.
    DWORD r = MsgWaitForMultipleObjects(count, handle ? &handle : nullptr, FALSE, left, QS_ALLINPUT);
    if (count && r == WAIT_OBJECT_0) {
      pump_messages();
      return true;
    }
    if (r == WAIT_TIMEOUT || r == WAIT_FAILED) {
      pump_messages();
      return false;
    }
  }
}
