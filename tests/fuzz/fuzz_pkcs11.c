/* Fuzz target: libdistrust-pkcs11's find-objects templates, attribute reads
 * and parameter strings. The module's source is compiled in (instrumented).
 * It serves a fixture root store and a build's overlay (DT_FUZZ_CERTDATA
 * overrides; paths are relative to the repository, where make check and
 * make fuzz-run start). For every template, the objects C_FindObjects
 * returns must be exactly those an independent check of C_GetAttributeValue
 * says match (exact bytes, or a serial number's INTEGER contents, as the
 * module documents). Some inputs are instead a parameters string for
 * C_Initialize: it must fail or succeed cleanly, and the module must come
 * back up with the good parameters. */
/* The stubs of the unsupported functions name parameters they do not use
 * (the module itself builds with -Wno-unused-parameter). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../../builder/pkcs11/module.c"
#pragma GCC diagnostic pop

#include "fuzz_util.h"

#include <fcntl.h>

static const char *good_params(void)
{
    static char buf[1024];
    const char *env = getenv("DT_FUZZ_CERTDATA");
    snprintf(buf, sizeof(buf), "certdata=\"%s\" certdata=\"%s\" mode=root-store",
             env ? env : "testdata/chains/roots-certdata.txt", "tests/fuzz/pkcs11-overlay.txt");
    return buf;
}

static CK_FUNCTION_LIST_PTR F;

static void up(const char *params)
{
    CK_C_INITIALIZE_ARGS a;
    memset(&a, 0, sizeof(a));
    a.LibraryParameters = (CK_CHAR_PTR *)(uintptr_t)params;
    CK_RV rv = F->C_Initialize(&a);
    if (params == good_params() && rv != CKR_OK) {
        fprintf(stderr, "fuzz_pkcs11: the module does not load the fixture files: run from the "
                        "repository or set DT_FUZZ_CERTDATA\n");
        __builtin_trap();
    }
}

/* The module's attribute types, and some it does not hold. */
static const CK_ATTRIBUTE_TYPE types[] = {CKA_CLASS,
                                          CKA_TOKEN,
                                          CKA_PRIVATE,
                                          CKA_MODIFIABLE,
                                          CKA_LABEL,
                                          CKA_CERTIFICATE_TYPE,
                                          CKA_SUBJECT,
                                          CKA_ID,
                                          CKA_ISSUER,
                                          CKA_SERIAL_NUMBER,
                                          CKA_VALUE,
                                          CKA_CERT_SHA1_HASH,
                                          CKA_CERT_MD5_HASH,
                                          CKA_TRUST_SERVER_AUTH,
                                          CKA_TRUST_EMAIL_PROTECTION,
                                          CKA_TRUST_CODE_SIGNING,
                                          CKA_TRUST_STEP_UP_APPROVED,
                                          CKA_NSS_MOZILLA_CA_POLICY,
                                          CKA_NSS_SERVER_DISTRUST_AFTER,
                                          CKA_NSS_EMAIL_DISTRUST_AFTER,
                                          CKA_APPLICATION,
                                          0x12345678};

/* The value of attribute t of object h, read through the module. */
static bool attr_of(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, uint8_t *buf,
                    CK_ULONG cap, CK_ULONG *len)
{
    CK_ATTRIBUTE a = {t, NULL, 0};
    if (F->C_GetAttributeValue(s, h, &a, 1) != CKR_OK || a.ulValueLen > cap)
        return false;
    a.pValue = buf;
    if (F->C_GetAttributeValue(s, h, &a, 1) != CKR_OK)
        __builtin_trap(); /* its size was given, its value is not */
    *len = a.ulValueLen;
    return true;
}

/* The documented rule, independently: exact bytes, or for CKA_SERIAL_NUMBER
 * the contents of a stored DER INTEGER (short or long form). */
static bool should_match(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, const CK_ATTRIBUTE *t, CK_ULONG n)
{
    static uint8_t buf[1 << 16];
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ULONG len;
        if (!attr_of(s, h, t[i].type, buf, sizeof(buf), &len))
            return false;
        if (len == t[i].ulValueLen && (!len || (t[i].pValue && !memcmp(buf, t[i].pValue, len))))
            continue;
        if (t[i].type == CKA_SERIAL_NUMBER && t[i].pValue && len >= 2 && buf[0] == 0x02) {
            size_t hdr = buf[1] < 0x80 ? 2 : buf[1] == 0x81 ? 3 : buf[1] == 0x82 ? 4 : 0;
            size_t clen = hdr == 2   ? buf[1]
                          : hdr == 3 ? (len >= 3 ? buf[2] : 0)
                          : hdr == 4 ? (len >= 4 ? (size_t)buf[2] << 8 | buf[3] : 0)
                                     : 0;
            if (hdr && hdr + clen == len && clen == t[i].ulValueLen &&
                !memcmp(buf + hdr, t[i].pValue, clen))
                continue;
        }
        return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!F) {
        if (C_GetFunctionList(&F) != CKR_OK)
            __builtin_trap();
        up(good_params());
    }
    if (!size)
        return 0;
    struct fuzz_rd r = {data + 1, size - 1};
    if (data[0] == 'P') {
        /* A parameters string: down, up with it, down, up again. */
        char *params = malloc(size);
        if (!params)
            return 0;
        memcpy(params, data + 1, size - 1);
        params[size - 1] = '\0';
        F->C_Finalize(NULL);
        int saved = dup(2), null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2); /* the module explains its refusals on stderr */
        up(params);
        F->C_Finalize(NULL);
        if (saved >= 0) {
            dup2(saved, 2);
            close(saved);
        }
        if (null >= 0)
            close(null);
        free(params);
        up(good_params());
        return 0;
    }
    CK_SESSION_HANDLE s;
    if (F->C_OpenSession(SLOT_ID, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK)
        __builtin_trap();
    /* The template: up to 6 attributes; a value is fuzz bytes, or a stored
     * value of some object (so that matches happen), or NULL. */
    CK_ATTRIBUTE t[6];
    uint8_t vals[6][256];
    CK_ULONG n = fuzz_byte(&r) % 7;
    for (CK_ULONG i = 0; i < n; i++) {
        unsigned sel = fuzz_byte(&r), how = fuzz_byte(&r);
        t[i].type = types[sel % DT_ARRAY_LEN(types)];
        t[i].pValue = vals[i];
        if (how < 16) {
            t[i].pValue = NULL;
            t[i].ulValueLen = how;
        } else if (how < 128) {
            CK_ULONG len = fuzz_byte(&r);
            for (CK_ULONG j = 0; j < len; j++)
                vals[i][j] = (uint8_t)fuzz_byte(&r);
            t[i].ulValueLen = len;
        } else {
            /* object (how - 128) % objects' value, possibly cut to its
             * INTEGER contents or with a byte changed */
            CK_ULONG len = 0;
            CK_OBJECT_HANDLE h = (CK_OBJECT_HANDLE)((how - 128) % (g.n_objs ? g.n_objs : 1) + 1);
            static uint8_t big[1 << 16];
            if (!attr_of(s, h, t[i].type, big, sizeof(big), &len) || len > sizeof(vals[i]))
                len = 0;
            memcpy(vals[i], big, len);
            unsigned tweak = fuzz_byte(&r);
            if ((tweak & 3) == 1 && len > 2 && vals[i][0] == 0x02 && vals[i][1] < 0x80) {
                memmove(vals[i], vals[i] + 2, len - 2);
                len -= 2;
            } else if ((tweak & 3) == 2 && len) {
                vals[i][tweak % len] ^= 1;
            }
            t[i].ulValueLen = len;
        }
    }
    if (F->C_FindObjectsInit(s, n ? t : NULL, n) != CKR_OK)
        __builtin_trap();
    static CK_OBJECT_HANDLE found[4096];
    CK_ULONG nf = 0, got = 0;
    unsigned chunk = 1 + fuzz_byte(&r) % 8;
    do {
        if (F->C_FindObjects(s, found + nf, chunk, &got) != CKR_OK)
            __builtin_trap();
        nf += got;
    } while (got && nf + chunk <= DT_ARRAY_LEN(found));
    F->C_FindObjectsFinal(s);
    /* The differential check over every object. */
    for (CK_OBJECT_HANDLE h = 1; h <= g.n_objs; h++) {
        bool in = false;
        for (CK_ULONG k = 0; k < nf && !in; k++)
            in = found[k] == h;
        if (in != should_match(s, h, t, n))
            __builtin_trap();
    }
    /* Reads with odd templates: NULL values, short buffers, unknown types. */
    if (nf) {
        CK_ATTRIBUTE q[4];
        uint8_t qb[4][64];
        for (int i = 0; i < 4; i++) {
            q[i].type = types[fuzz_byte(&r) % DT_ARRAY_LEN(types)];
            unsigned m = fuzz_byte(&r);
            q[i].pValue = m & 1 ? qb[i] : NULL;
            q[i].ulValueLen = m & 1 ? m % 65 : 0;
        }
        (void)F->C_GetAttributeValue(s, found[fuzz_byte(&r) % nf], q, 4);
    }
    (void)F->C_FindObjectsInit(s, NULL, 1); /* a count without a template */
    F->C_CloseSession(s);
    return 0;
}
