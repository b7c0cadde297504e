// The message pump of the thread that initialised MAPI. MAPI posts window messages to that thread
// (notifications, background work such as a cached store's sync); a MAPI client in a service must
// dispatch them whenever it waits ("Calling MAPI from Windows Services": MsgWaitForMultipleObjects,
// then GetMessage/TranslateMessage/DispatchMessage). Called on the main thread only.
#pragma once
#include <windows.h>

// Dispatches every message waiting in this thread's queue.
void pump_messages();
// Waits up to `ms` milliseconds for `handle` (nullptr: just the time) while dispatching messages;
// true when the handle was signalled.
bool pump_wait(HANDLE handle, DWORD ms);
