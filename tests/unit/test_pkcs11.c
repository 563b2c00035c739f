/* Unit tests: the PKCS#11 module (builder/pkcs11/module.c), loaded with
 * dlopen as NSS loads it: parameters, objects, find templates (including
 * the serial-contents match), attribute reads, sessions, root-store mode,
 * malformed files, concurrent use, and the rule of a module loaded without
 * parameters (DISTRUST_CERTDATA, distrust-certdata.txt beside the module,
 * refusal). */
#include "unit.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pkcs11.h>
#include <pthread.h>
#include <unistd.h>

static CK_FUNCTION_LIST_PTR F;
static char libpath[512];

static CK_RV init(const char *params)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof(args));
    args.flags = CKF_OS_LOCKING_OK;
    args.LibraryParameters = (CK_CHAR_PTR *)params;
    return F->C_Initialize(&args);
}

/* C_Initialize as NSS calls it for a module without parameters: no
 * arguments at all. */
static CK_RV init_bare(void)
{
    return F->C_Initialize(NULL);
}

/* Runs fn with stderr sent to a scratch file; returns fn's result and leaves
 * what it wrote in text, without its last newline. */
static CK_RV with_stderr(CK_RV (*fn)(void), char *text, size_t cap)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/stderr.txt", unit_tmp());
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || fd < 0)
        exit(2);
    dup2(fd, 2);
    close(fd);
    CK_RV rv = fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    text[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(text, 1, cap - 1, f);
        text[n] = '\0';
        if (n && text[n - 1] == '\n')
            text[n - 1] = '\0'; /* kept out of the TAP line */
        fclose(f);
    }
    return rv;
}

/* Copies the file at from to to (the module, a certdata file). */
static bool copy_file(const char *from, const char *to)
{
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
    return system(cmd) == 0;
}

static CK_SESSION_HANDLE open_session(void)
{
    CK_SESSION_HANDLE h = 0;
    if (F->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &h) != CKR_OK)
        return 0;
    return h;
}

static CK_ULONG find(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_HANDLE *out,
                     CK_ULONG max)
{
    CK_ULONG got = 0;
    if (F->C_FindObjectsInit(s, t, n) != CKR_OK)
        return (CK_ULONG)-1;
    if (F->C_FindObjects(s, out, max, &got) != CKR_OK)
        got = (CK_ULONG)-1;
    F->C_FindObjectsFinal(s);
    return got;
}

static const uint8_t issuer_root_a[] = {
    0x30, 0x3b, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x55, 0x53, 0x31,
    0x16, 0x30, 0x14, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x0d, 'D',  'i',  's',  't',  'r',  'u',
    's',  't',  ' ',  'T',  'e',  's',  't',  0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x0c, 0x0b, 'T',  'e',  's',  't',  ' ',  'R',  'o',  'o',  't',  ' ',  'A'};

static void *worker(void *arg)
{
    long *bad = arg;
    for (int i = 0; i < 200; i++) {
        CK_SESSION_HANDLE s = open_session();
        CK_OBJECT_CLASS cls = CKO_NSS_TRUST;
        CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)}};
        CK_OBJECT_HANDLE h[64];
        if (!s || find(s, t, 1, h, 64) == (CK_ULONG)-1)
            (*bad)++;
        if (s)
            F->C_CloseSession(s);
    }
    return NULL;
}

int main(void)
{
    const char *b = getenv("B");
    snprintf(libpath, sizeof(libpath), "%s/libdistrust-pkcs11.so", b && *b ? b : "build");
    void *lib = dlopen(libpath, RTLD_NOW | RTLD_LOCAL);
    CHECK(lib != NULL, "dlopen %s", libpath);
    if (!lib)
        return unit_done();
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    CHECK(gfl && gfl(&F) == CKR_OK && F->version.major == 2 && F->version.minor == 40,
          "C_GetFunctionList gives a v2.40 function list");
    CHECK(dlsym(lib, "dt_cdparse_mem") == NULL, "only C_GetFunctionList is exported");

    CHECK(init("mode=overlay") == CKR_ARGUMENTS_BAD, "parameters without certdata=: refused");
    CHECK(init("certdata=testdata/nosuch.txt") == CKR_GENERAL_ERROR, "missing file: refused");
    CHECK(init("certdata=tests/e2e/golden/fixture/certdata-distrust.txt bogus=1") ==
              CKR_ARGUMENTS_BAD,
          "unknown parameter: refused");
    const char *bad = UNIT_WRITE_STR("bad.txt", "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n"
                                                "CKA_ISSUER MULTILINE_OCTAL\n\\001\\9\nEND\n");
    char params[700];
    snprintf(params, sizeof(params), "certdata=\"%s\"", bad);
    CHECK(init(params) == CKR_GENERAL_ERROR, "malformed certdata: C_Initialize fails");

    CHECK(
        init(
            "certdata=\"tests/e2e/golden/fixture/certdata-distrust.txt\" label=\"Test overlay\"") ==
            CKR_OK,
        "overlay over the fixture build");
    CHECK(init("certdata=tests/e2e/golden/fixture/certdata-distrust.txt") ==
              CKR_CRYPTOKI_ALREADY_INITIALIZED,
          "second C_Initialize: already initialised");
    CK_TOKEN_INFO ti;
    CHECK(F->C_GetTokenInfo(1, &ti) == CKR_OK && !memcmp(ti.label, "Test overlay ", 13) &&
              (ti.flags & CKF_WRITE_PROTECTED) && !(ti.flags & CKF_LOGIN_REQUIRED),
          "token: label, write-protected, no login");
    CK_SESSION_HANDLE s = open_session();
    CHECK(s != 0, "open a read-only session");
    CK_SESSION_HANDLE rw;
    CHECK(F->C_OpenSession(1, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &rw) ==
              CKR_TOKEN_WRITE_PROTECTED,
          "read-write sessions refused");

    CK_OBJECT_HANDLE h[64];
    CK_OBJECT_CLASS trust = CKO_NSS_TRUST, list = CKO_NSS_BUILTIN_ROOT_LIST;
    CK_ATTRIBUTE tt[] = {{CKA_CLASS, &trust, sizeof(trust)}};
    CHECK(find(s, tt, 1, h, 64) == 12, "12 trust objects, as the build wrote");
    CK_ATTRIBUTE tl[] = {{CKA_CLASS, &list, sizeof(list)}};
    CHECK(find(s, tl, 1, h, 64) == 0, "overlay mode: no root-list object");
    CHECK(find(s, NULL, 0, h, 64) == 14, "an empty template finds every object (12 + 2)");

    static const uint8_t ser_tlv[] = {0x02, 0x07, 0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
    CK_ATTRIBUTE q[] = {{CKA_CLASS, &trust, sizeof(trust)},
                        {CKA_ISSUER, (void *)issuer_root_a, sizeof(issuer_root_a)},
                        {CKA_SERIAL_NUMBER, (void *)ser_tlv, sizeof(ser_tlv)}};
    CHECK(find(s, q, 3, h, 64) == 1, "issuer + DER INTEGER serial finds Test Intermediate 1");
    q[2].pValue = (void *)(ser_tlv + 2);
    q[2].ulValueLen = 7;
    CHECK(find(s, q, 3, h, 64) == 1, "issuer + serial contents (no tag) finds it too");
    q[2].pValue = (void *)(ser_tlv + 3);
    q[2].ulValueLen = 6;
    CHECK(find(s, q, 3, h, 64) == 0, "the serial without its 00 pad finds nothing");

    q[2].pValue = (void *)ser_tlv;
    q[2].ulValueLen = sizeof(ser_tlv);
    CK_OBJECT_HANDLE obj = 0;
    CHECK(find(s, q, 3, &obj, 1) == 1, "found the object");
    char label[128];
    CK_TRUST sa = 0;
    CK_ATTRIBUTE r[] = {{CKA_LABEL, label, sizeof(label)},
                        {CKA_TRUST_SERVER_AUTH, &sa, sizeof(sa)}};
    CHECK(F->C_GetAttributeValue(s, obj, r, 2) == CKR_OK && sa == CKT_NSS_NOT_TRUSTED &&
              r[0].ulValueLen == strlen("Distrusted Test Intermediate 1") + 1 &&
              !strcmp(label, "Distrusted Test Intermediate 1"),
          "label (with its NUL, as nssckbi serves UTF8) and server-auth NOT_TRUSTED");
    CK_ATTRIBUTE len_only = {CKA_LABEL, NULL, 0};
    CHECK(F->C_GetAttributeValue(s, obj, &len_only, 1) == CKR_OK &&
              len_only.ulValueLen == r[0].ulValueLen,
          "NULL buffer: length only");
    char tiny[4];
    CK_ATTRIBUTE small = {CKA_LABEL, tiny, sizeof(tiny)};
    CHECK(F->C_GetAttributeValue(s, obj, &small, 1) == CKR_BUFFER_TOO_SMALL &&
              small.ulValueLen == CK_UNAVAILABLE_INFORMATION,
          "small buffer: CKR_BUFFER_TOO_SMALL");
    CK_ATTRIBUTE missing = {CKA_VALUE, NULL, 0};
    CHECK(F->C_GetAttributeValue(s, obj, &missing, 1) == CKR_ATTRIBUTE_TYPE_INVALID &&
              missing.ulValueLen == CK_UNAVAILABLE_INFORMATION,
          "absent attribute: CKR_ATTRIBUTE_TYPE_INVALID");
    CHECK(F->C_GetAttributeValue(s, 9999, r, 1) == CKR_OBJECT_HANDLE_INVALID, "bad handle");
    CHECK(F->C_GetAttributeValue(s + 100, obj, r, 1) == CKR_SESSION_HANDLE_INVALID, "bad session");
    CHECK(F->C_FindObjects(s, h, 1, &(CK_ULONG){0}) == CKR_OPERATION_NOT_INITIALIZED,
          "find without init refused");
    CHECK(F->C_Login(s, CKU_USER, NULL, 0) == CKR_FUNCTION_NOT_SUPPORTED, "no login");
    CHECK(F->C_CreateObject(s, NULL, 0, &obj) == CKR_FUNCTION_NOT_SUPPORTED, "read-only");

    /* Concurrent sessions and searches. */
    pthread_t th[4];
    long fails = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &fails);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(fails == 0, "four threads, 800 sessions and searches");

    CHECK(F->C_CloseSession(s) == CKR_OK && F->C_Finalize(NULL) == CKR_OK, "close and finalize");
    CHECK(F->C_GetSlotList(CK_FALSE, NULL, &(CK_ULONG){0}) == CKR_CRYPTOKI_NOT_INITIALIZED,
          "finalized: not initialised");

    /* Root-store mode over NSS's own file: one root list, 167 + 167 objects. */
    CHECK(init("certdata=testdata/nss/certdata-2026.txt mode=root-store") == CKR_OK,
          "root-store mode over NSS's certdata.txt");
    s = open_session();
    static CK_OBJECT_HANDLE all[512];
    CHECK(find(s, tl, 1, all, 512) == 1, "exactly one root-list object");
    CHECK(find(s, NULL, 0, all, 512) == 335, "335 objects served");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);
    CHECK(init("certdata=testdata/nss/certdata-2026.txt") == CKR_OK, "overlay mode, same file");
    s = open_session();
    CHECK(find(s, tl, 1, all, 512) == 0, "overlay mode drops the file's root list");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);

    /* Without parameters: the built-in roots rule. Neither source: refused,
     * one stderr line naming both places. */
    const char *fixture = "tests/e2e/golden/fixture/certdata-distrust.txt";
    const char *nss = "testdata/nss/certdata-2026.txt";
    unsetenv("DISTRUST_CERTDATA");
    char err[2048];
    CHECK(with_stderr(init_bare, err, sizeof(err)) == CKR_ARGUMENTS_BAD,
          "no parameters, no DISTRUST_CERTDATA, no file beside: refused");
    CHECK(err[0] && !strchr(err, '\n') && strstr(err, "DISTRUST_CERTDATA") &&
              strstr(err, "/distrust-certdata.txt beside ") &&
              strstr(err, "libdistrust-pkcs11.so"),
          "the refusal is one line naming the variable and the file beside: %s", err);
    CHECK(init("") == CKR_ARGUMENTS_BAD && init(" \t") == CKR_ARGUMENTS_BAD &&
              init(NULL) == CKR_ARGUMENTS_BAD,
          "a blank or absent parameters string follows the same rule");
    CHECK(F->C_GetSlotList(CK_FALSE, NULL, &(CK_ULONG){0}) == CKR_CRYPTOKI_NOT_INITIALIZED,
          "refused: not initialised");

    /* DISTRUST_CERTDATA: one file, served as a built-in root store. */
    setenv("DISTRUST_CERTDATA", fixture, 1);
    CHECK(init_bare() == CKR_OK, "DISTRUST_CERTDATA=fixture: initialised");
    s = open_session();
    CHECK(find(s, tl, 1, h, 64) == 1, "root-store mode: one root-list object");
    CHECK(find(s, NULL, 0, all, 512) == 15, "the fixture's 14 objects and the root list");
    CHECK(F->C_GetTokenInfo(1, &ti) == CKR_OK && !memcmp(ti.label, "distrust root store ", 20),
          "token label: distrust root store");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);

    /* Several files, ':'-separated, empty entries skipped. */
    char two[600];
    snprintf(two, sizeof(two), "%s::%s:", fixture, nss);
    setenv("DISTRUST_CERTDATA", two, 1);
    CHECK(init_bare() == CKR_OK, "DISTRUST_CERTDATA=A::B: initialised");
    s = open_session();
    CHECK(find(s, tl, 1, h, 64) == 1, "two files: still one root-list object");
    CHECK(find(s, NULL, 0, all, 512) == 14 + 335, "both files' objects (one root list)");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);

    /* A missing file in DISTRUST_CERTDATA fails, naming it. */
    setenv("DISTRUST_CERTDATA", "testdata/nosuch.txt", 1);
    CHECK(with_stderr(init_bare, err, sizeof(err)) == CKR_GENERAL_ERROR &&
              strstr(err, "testdata/nosuch.txt"),
          "DISTRUST_CERTDATA naming a missing file: refused, named: %s", err);
    setenv("DISTRUST_CERTDATA", ":::", 1);
    CHECK(with_stderr(init_bare, err, sizeof(err)) == CKR_ARGUMENTS_BAD &&
              strstr(err, "names no file"),
          "DISTRUST_CERTDATA naming no file: refused: %s", err);

    /* Parameters win: DISTRUST_CERTDATA is not read. */
    setenv("DISTRUST_CERTDATA", nss, 1);
    CHECK(init("certdata=tests/e2e/golden/fixture/certdata-distrust.txt") == CKR_OK,
          "parameters with DISTRUST_CERTDATA set");
    s = open_session();
    CHECK(find(s, NULL, 0, all, 512) == 14 && find(s, tl, 1, h, 64) == 0,
          "only the parameters' file, in overlay mode");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);
    setenv("DISTRUST_CERTDATA", "", 1);
    CHECK(init_bare() == CKR_ARGUMENTS_BAD, "an empty DISTRUST_CERTDATA counts as unset");
    unsetenv("DISTRUST_CERTDATA");
    dlclose(lib);

    /* Beside the module, whatever its file name: a copy named libnssckbi.so
     * in a scratch directory, as Firefox loads it. */
    char dir[600], so[700], beside[700];
    snprintf(dir, sizeof(dir), "%s/ff", unit_tmp());
    snprintf(so, sizeof(so), "%s/libnssckbi.so", dir);
    snprintf(beside, sizeof(beside), "%s/distrust-certdata.txt", dir);
    CHECK(mkdir(dir, 0700) == 0 && copy_file(libpath, so), "module copied as %s", so);
    lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    gfl = lib ? (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList") : NULL;
    CHECK(gfl && gfl(&F) == CKR_OK, "the copy loads");
    if (!gfl)
        return unit_done();
    CHECK(with_stderr(init_bare, err, sizeof(err)) == CKR_ARGUMENTS_BAD && strstr(err, beside) &&
              strstr(err, so),
          "the copy, nothing beside it: refused, naming %s: %s", beside, err);
    CHECK(copy_file(fixture, beside), "distrust-certdata.txt put beside the copy");
    CHECK(init_bare() == CKR_OK, "the copy, distrust-certdata.txt beside it: initialised");
    s = open_session();
    CHECK(find(s, NULL, 0, all, 512) == 15 && find(s, tl, 1, h, 64) == 1,
          "the file beside it, as a built-in root store");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);
    setenv("DISTRUST_CERTDATA", nss, 1);
    CHECK(init_bare() == CKR_OK, "DISTRUST_CERTDATA set, a file beside too");
    s = open_session();
    CHECK(find(s, NULL, 0, all, 512) == 335, "DISTRUST_CERTDATA comes first");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);
    setenv("DISTRUST_CERTDATA", "testdata/nosuch.txt", 1);
    CHECK(init_bare() == CKR_GENERAL_ERROR,
          "DISTRUST_CERTDATA unreadable: refused, no fall-through to the file beside");
    unsetenv("DISTRUST_CERTDATA");
    CHECK(init("certdata=testdata/nss/certdata-2026.txt") == CKR_OK,
          "the copy with parameters: the file beside is not read");
    s = open_session();
    CHECK(find(s, NULL, 0, all, 512) == 334, "only the parameters' file (overlay: no root list)");
    F->C_CloseSession(s);
    F->C_Finalize(NULL);
    dlclose(lib);
    return unit_done();
}
