// Releases a MAPI/COM object or frees a MAPI buffer when it leaves scope, so every early
// return and thrown HelperError still releases in reverse order.
#pragma once
#include "mapi_api.h"

template <typename T> struct ComPtr {
  T *p = nullptr;
  ComPtr() = default;
  ComPtr(const ComPtr &) = delete;
  ComPtr &operator=(const ComPtr &) = delete;
  ~ComPtr() { if (p) p->Release(); }
  T **out() { return &p; }
  T *operator->() const { return p; }
};

template <typename T> struct MapiBuffer {
  T *p = nullptr;
  MapiBuffer() = default;
  MapiBuffer(const MapiBuffer &) = delete;
  MapiBuffer &operator=(const MapiBuffer &) = delete;
  ~MapiBuffer() { if (p) mapi().FreeBuffer(p); }
  T **out() { return &p; }
  T *operator->() const { return p; }
};
