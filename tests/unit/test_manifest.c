/* Unit tests: manifest.c (OUT/manifest.json): file digests and sizes,
 * nested counts, one JSON object and a final newline. (Moved from
 * test_misc.c; the module's owner adds the rest.) */
#include "manifest.h"
#include "unit.h"

int main(void)
{
    struct dt_outfile files[1] = {{.name = "a.txt", .data = {(const uint8_t *)"abc", 3}}};
    struct dt_count counts[] = {{"x", 1}, {"group.y", 2}, {"group.z", 3}};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    CHECK(dt_manifest_write("00ff", files, 1, counts, 3, NULL, 0, NULL, NULL, NULL, &b) == DT_OK,
          "manifest written");
    const char *m = dt_buf_cstr(&b);
    CHECK(strstr(
              m,
              "\"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"") &&
              strstr(m, "\"bytes\": 3"),
          "file digest and size");
    CHECK(strstr(m, "\"group\": {\n      \"y\": 2,\n      \"z\": 3\n    }"), "nested counts");
    CHECK(m[b.len - 1] == '\n' && m[0] == '{', "one JSON object and a final newline");
    dt_buf_free(&b);
    return unit_done();
}
