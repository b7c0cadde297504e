/* MAPI's allocator contract: MAPIAllocateMore links a block to its parent; freeing the parent frees all. */
#include "provider.h"
#include <stdlib.h>

typedef struct Block {
  struct Block *next;
  void *pad; /* keeps the data 16-byte aligned */
} Block;

SCODE WINAPI MAPIAllocateBuffer(ULONG size, LPVOID *out) {
  Block *b = (Block *)calloc(1, sizeof(Block) + size);
  if (!b) return MAPI_E_NOT_ENOUGH_MEMORY;
  *out = b + 1;
  return S_OK;
}

SCODE WINAPI MAPIAllocateMore(ULONG size, LPVOID parent, LPVOID *out) {
  if (!parent) return MAPI_E_INVALID_PARAMETER;
  Block *p = (Block *)parent - 1;
  Block *b = (Block *)calloc(1, sizeof(Block) + size);
  if (!b) return MAPI_E_NOT_ENOUGH_MEMORY;
  b->next = p->next;
  p->next = b;
  *out = b + 1;
  return S_OK;
}

ULONG WINAPI MAPIFreeBuffer(LPVOID buffer) {
  if (!buffer) return 0;
  Block *b = (Block *)buffer - 1;
  while (b) {
    Block *next = b->next;
    free(b);
    b = next;
  }
  return 0;
}
