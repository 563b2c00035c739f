/* Unit tests: onecrl_rec.c, one record of a OneCRL dump as `import onecrl`
 * and `reconcile` read it: an issuer + serial record, a subject + key
 * record, a tombstone, blanks around base64; and each bad record reported at
 * its JSON path: neither kind, both, not an object, not base64, a missing
 * value, an issuer that is no DER Name, a key hash that is no SHA-256, a
 * serial over 64 octets. */
#include "onecrl_rec.h"
#include "unit.h"

static struct unit_diags U;

/* A DER Name: SEQUENCE { SET { SEQUENCE { OID CN, UTF8String "A" } } } */
#define NAME_B64 "MAwxCjAIBgNVBAMMAUE="

static bool read_rec(const char *json, struct dt_onecrl_rec *r, bool *ok)
{
    struct dt_diags d;
    json_error_t e;
    unit_diags_setup(&U, &d);
    json_t *j = json_loads(json, JSON_DECODE_ANY, &e);
    enum dt_err rc = j ? dt_onecrl_rec_read(j, 7, "dump.json", r, ok, &d) : DT_ERR_INPUT;
    json_decref(j);
    return rc == DT_OK;
}

static void bad(const char *json, const char *path, const char *fragment, const char *what)
{
    struct dt_onecrl_rec r;
    dt_onecrl_rec_init(&r);
    bool ok = true;
    bool ran = read_rec(json, &r, &ok);
    char want[128];
    snprintf(want, sizeof(want), "|dump.json|0|0|%s|", path);
    CHECK(ran && !ok && unit_has(&U, want) && unit_has(&U, fragment), "%s", what);
    if (!(ran && !ok && unit_has(&U, want) && unit_has(&U, fragment)))
        unit_dump_diags(&U);
    dt_onecrl_rec_free(&r);
}

int main(void)
{
    struct dt_onecrl_rec r;
    dt_onecrl_rec_init(&r);
    bool ok = false;
    CHECK(read_rec("{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": \"AIut8A0SNA==\"}", &r, &ok) &&
              ok && r.by_issuer && !r.deleted && r.a.len == 14 && r.b.len == 7 && r.b.data[0] == 0,
          "an issuer + serial record: the name's DER and the serial's 7 octets, the 00 pad kept");
    CHECK(read_rec("{\"subject\": \" " NAME_B64 "\\n\", \"pubKeyHash\": "
                   "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"}", &r, &ok) &&
              ok && !r.by_issuer && r.b.len == 32 && r.b.data[31] == 31,
          "a subject + key record, blanks around the base64 allowed");
    CHECK(read_rec("{\"deleted\": true}", &r, &ok) && ok && r.deleted, "a tombstone");
    CHECK(read_rec("{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": \"AQ\"}", &r, &ok) && ok &&
              r.b.len == 1,
          "missing padding is allowed");
    dt_onecrl_rec_free(&r);

    bad("[1]", "/data/7", "a record must be an object", "not an object");
    bad("{\"id\": \"x\"}", "/data/7", "and this one has neither", "neither kind");
    bad("{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": \"AQ==\", \"subject\": \"" NAME_B64
        "\"}",
        "/data/7", "not both", "both kinds");
    bad("{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": \"!!\"}", "/data/7/serialNumber",
        "\"serialNumber\" is not base64", "a serial that is not base64");
    bad("{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": 5}", "/data/7/serialNumber",
        "must be a base64 string", "a serial that is not a string");
    bad("{\"serialNumber\": \"AQ==\"}", "/data/7/issuerName", "missing \"issuerName\"",
        "a missing issuer");
    bad("{\"issuerName\": \"AQID\", \"serialNumber\": \"AQ==\"}", "/data/7/issuerName",
        "is not a DER Name", "an issuer that is no DER Name");
    bad("{\"subject\": \"" NAME_B64 "\", \"pubKeyHash\": \"AQID\"}", "/data/7/pubKeyHash",
        "must be a SHA-256 (32 bytes), not 3", "a key hash of 3 bytes");
    /* 65 octets of serial: 88 base64 characters, the last group padded */
    char j[512];
    snprintf(j, sizeof(j), "{\"issuerName\": \"" NAME_B64 "\", \"serialNumber\": \"%s\"}",
             "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8"
             "PT4/QEE=");
    bad(j, "/data/7/serialNumber", "has 65 octets (64 at most)", "a serial of 65 octets");
    return unit_done();
}
