/* libFuzzer harness for the situation reader and the engine behind it: any bytes are parsed as
 * a situation; what parses is answered, rendered as JSON and as text. Nothing may crash, leak
 * or trip a sanitizer. Build: cmake -DHK_FUZZ=ON with clang (see tests/CMakeLists.txt). */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "policy/policy.h"

static hk_policies *pol;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (pol == NULL) {
    hk_error err;
    if (hk_policies_load(HK_DEFAULT_POLICY_DIR, &pol, &err) != HK_OK)
      abort();
  }
  hk_situation s;
  hk_situation_init(&s);
  hk_error err = {0};
  if (hk_situation_parse((const char *)data, size, hk_date_from_ymd(2025, 1, 1), &s, &err) ==
      HK_OK) {
    hk_answer *a = malloc(sizeof *a);
    if (a && hk_policy_eval(pol, &s, a, &err) == HK_OK) {
      json_t *j = hk_answer_to_json(a);
      char *text = json_dumps(j, JSON_COMPACT);
      free(text);
      json_decref(j);
      free(hk_answer_explain(a, &s));
    }
    free(a);
  }
  hk_situation_clear(&s);
  return 0;
}
