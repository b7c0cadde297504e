// `profiles`: IProfAdmin's profile table (PR_DISPLAY_NAME_A, PR_DEFAULT_PROFILE).
#include "errors.h"
#include "mapi_api.h"
#include "session.h"
#include "text.h"

std::vector<ProfileEntry> list_profiles() {
  const MapiApi &api = mapi();
  LPPROFADMIN admin = nullptr;
  check(api.AdminProfiles(0, &admin), "MAPIAdminProfiles");
  LPMAPITABLE table = nullptr;
  HRESULT hr = admin->GetProfileTable(0, &table);
  if (FAILED(hr)) {
    admin->Release();
    check(hr, "IProfAdmin::GetProfileTable");
  }
  SizedSPropTagArray(2, columns) = {2, {PR_DISPLAY_NAME_A, PR_DEFAULT_PROFILE}};
  std::vector<ProfileEntry> out;
  hr = table->SetColumns((LPSPropTagArray)&columns, 0);
  while (SUCCEEDED(hr)) {
    LPSRowSet rows = nullptr;
    hr = table->QueryRows(50, 0, &rows);
    if (FAILED(hr) || !rows) break;
    ULONG count = rows->cRows;
    for (ULONG i = 0; i < count; i++) {
      const SRow &row = rows->aRow[i];
      if (row.cValues < 2 || row.lpProps[0].ulPropTag != PR_DISPLAY_NAME_A) continue;
      bool is_default = row.lpProps[1].ulPropTag == PR_DEFAULT_PROFILE && row.lpProps[1].Value.b;
      out.push_back({ansi_to_utf8(row.lpProps[0].Value.lpszA), is_default});
    }
    free_rows(rows);
    if (count == 0) break;
  }
  table->Release();
  admin->Release();
  check(hr, "IMAPITable::QueryRows");
  return out;
}
