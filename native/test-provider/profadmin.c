/* IProfAdmin: the profile table ($MAPI_TEST_PROFILES) with PR_DISPLAY_NAME_A and PR_DEFAULT_PROFILE. */
#include "provider.h"
#include <stdlib.h>

typedef struct {
  ObjHeader h;
} ProfAdmin;

static HRESULT STDMETHODCALLTYPE get_profile_table(IProfAdmin *This, ULONG flags, LPMAPITABLE *out) {
  ProfileList profiles;
  config_profiles(&profiles);
  PropList *rows = (PropList *)calloc(profiles.count ? profiles.count : 1, sizeof(PropList));
  for (int i = 0; i < profiles.count; i++) {
    SPropValue v;
    prop_text_a(&v, PR_DISPLAY_NAME_A, profiles.names[i]);
    props_set(&rows[i], &v);
    prop_bool(&v, PR_DEFAULT_PROFILE, i == profiles.default_index);
    props_set(&rows[i], &v);
  }
  return table_create(rows, (ULONG)profiles.count, out);
}

static struct IProfAdminVtbl vtbl;

HRESULT profadmin_create(LPPROFADMIN *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.GetProfileTable = get_profile_table;
  }
  ProfAdmin *p = (ProfAdmin *)calloc(1, sizeof(ProfAdmin));
  obj_init(p, &vtbl, NULL);
  *out = (LPPROFADMIN)p;
  return S_OK;
}
