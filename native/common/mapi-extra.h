/* Property tags and flags that mingw-w64's public-domain MAPI headers lack (one line each, values from the
 * published MAPI property reference). Shared by the helper and the test provider. */
#ifndef MAPI_EXTRA_H
#define MAPI_EXTRA_H

#include <mapidefs.h>
#include <mapitags.h>

#ifndef PR_HTML
#define PR_HTML PROP_TAG(PT_BINARY, 0x1013)
#endif
#ifndef PR_INTERNET_CPID
#define PR_INTERNET_CPID PROP_TAG(PT_LONG, 0x3FDE)
#endif
#ifndef PR_INTERNET_MESSAGE_ID_W
#define PR_INTERNET_MESSAGE_ID_W PROP_TAG(PT_UNICODE, 0x1035)
#endif
#ifndef PR_SMTP_ADDRESS_W
#define PR_SMTP_ADDRESS_W PROP_TAG(PT_UNICODE, 0x39FE)
#endif
/* IMAPISession::OpenMsgStore: open the store on the server even when the profile is in Cached Exchange Mode. */
#ifndef MDB_ONLINE
#define MDB_ONLINE ((ULONG)0x00000100)
#endif

/* The environment variables the test provider reads (documented in docs/mapi.md). */
#define MAPI_TEST_ENV_LOG "MAPI_TEST_PROVIDER_LOG"
#define MAPI_TEST_ENV_PROFILES "MAPI_TEST_PROFILES"
#define MAPI_TEST_ENV_FAIL "MAPI_TEST_FAIL"
#define MAPI_TEST_ENV_STORE "MAPI_TEST_STORE"
#define MAPI_TEST_ENV_SYNC "MAPI_TEST_SYNC"
#define MAPI_TEST_ENV_FAIL_AFTER "MAPI_TEST_FAIL_AFTER"
#define MAPI_TEST_ENV_GAL "MAPI_TEST_GAL"
#define MAPI_TEST_ENV_OWNER "MAPI_TEST_OWNER"
#define MAPI_TEST_ENV_ONEOFF "MAPI_TEST_ONEOFF"

#endif
