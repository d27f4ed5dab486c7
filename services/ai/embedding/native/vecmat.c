// The hot loop of the sentence encoder, as a Node-API addon: OUT[m×n] += A[m×k] · W[row0.., :]
// (row-major; m = 1 is a vector). Four rows of A share each loaded row of W. Compiled by scripts/models/use-multilingual.sh with gcc -O3 for the
// machine's own CPU (the loop vectorises to AVX/FMA); use-multilingual.ts falls back to the same
// loop in JavaScript when the addon is missing. Context-aware, so it loads in worker threads.
#include <node_api.h>
#include <stddef.h>

static void matmat(const float *restrict a, size_t m, size_t k, const float *restrict w, size_t n, float *restrict out) {
  size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
    float *restrict o0 = out + i * n, *restrict o1 = o0 + n, *restrict o2 = o1 + n, *restrict o3 = o2 + n;
    for (size_t r = 0; r < k; r++) {
      const float x0 = a0[r], x1 = a1[r], x2 = a2[r], x3 = a3[r];
      const float *restrict row = w + r * n;
      for (size_t j = 0; j < n; j++) {
        const float wj = row[j];
        o0[j] += x0 * wj;
        o1[j] += x1 * wj;
        o2[j] += x2 * wj;
        o3[j] += x3 * wj;
      }
    }
  }
  for (; i < m; i++) {
    const float *ai = a + i * k;
    float *restrict oi = out + i * n;
    for (size_t r = 0; r < k; r++) {
      const float x = ai[r];
      if (x == 0.0f) continue;
      const float *restrict row = w + r * n;
      for (size_t j = 0; j < n; j++) oi[j] += x * row[j];
    }
  }
}

static float *f32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, &buffer, &offset) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "vecmat: expected a Float32Array");
    return NULL;
  }
  *length = len;
  return (float *)data;
}

// addMatMat(a, aOffset, m, k, w, row0, n, out, outOffset)
static napi_value add_mat_mat(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 9) {
    napi_throw_type_error(env, NULL, "vecmat: 9 arguments");
    return NULL;
  }
  size_t alen, wlen, olen;
  float *a = f32(env, argv[0], &alen);
  float *w = a ? f32(env, argv[4], &wlen) : NULL;
  float *out = w ? f32(env, argv[7], &olen) : NULL;
  if (!out) return NULL;
  uint32_t ints[6];
  const int idx[6] = {1, 2, 3, 5, 6, 8};
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_uint32(env, argv[idx[i]], &ints[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "vecmat: offsets and sizes are non-negative integers");
      return NULL;
    }
  }
  size_t a_off = ints[0], m = ints[1], k = ints[2], row0 = ints[3], n = ints[4], out_off = ints[5];
  if (a_off + m * k > alen || (row0 + k) * n > wlen || out_off + m * n > olen) {
    napi_throw_range_error(env, NULL, "vecmat: out of bounds");
    return NULL;
  }
  matmat(a + a_off, m, k, w + row0 * n, n, out + out_off);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "addMatMat", NAPI_AUTO_LENGTH, add_mat_mat, NULL, &fn);
  napi_set_named_property(env, exports, "addMatMat", fn);
  return exports;
}
