/*
 * module.c - libdistrust-pkcs11.so: a read-only PKCS#11 (v2.40) module that
 * serves the objects of one or more certdata.txt files to NSS.
 *
 * Parameters (the module's "parameters" string, as given to
 * `modutil -add NAME -libfile LIB -string "..."` or in SECMOD_LoadUserModule's
 * spec), space-separated KEY=VALUE, VALUE optionally in double quotes:
 *
 *   certdata=PATH        a certdata.txt file to serve (repeatable, required)
 *   mode=overlay         (default) no CKO_NSS_BUILTIN_ROOT_LIST object: NSS
 *                        keeps the module's trust order (50 by default), so
 *                        its distrust outranks the built-in roots (100)
 *   mode=root-store      serves one CKO_NSS_BUILTIN_ROOT_LIST object, like
 *                        NSS's nssckbi: NSS then treats the token as a
 *                        built-in root store (trust order forced to 100)
 *   label=TEXT           token label (at most 32 bytes)
 *
 * Without parameters (no parameters string, or one of blanks only: how NSS
 * loads a built-in roots module such as libnssckbi.so, and how Firefox loads
 * a libnssckbi.so placed in its directory), the module is a built-in root
 * store (mode=root-store) serving, by the first rule that applies:
 *   1. DISTRUST_CERTDATA, if set and not empty: a certdata.txt path, or
 *      several separated by ':' (at most 16); a file that cannot be read is an
 *      error, never a fall-through to rule 2;
 *   2. the file distrust-certdata.txt in the directory of the module's own
 *      shared object, whatever that object's file name (found with dladdr);
 * and with neither, C_Initialize fails (CKR_ARGUMENTS_BAD) with one line on
 * stderr naming both places. Given a parameters string, the module never
 * reads DISTRUST_CERTDATA nor the file beside it.
 *
 * Objects are served exactly as parsed (UTF8 values with a terminating NUL,
 * as nssckbi does). Find-objects matches any template by exact bytes, with
 * nssckbi's one exception: a CKA_SERIAL_NUMBER shorter than a stored DER
 * INTEGER also matches that INTEGER's contents (NSS 3.87 asks both ways).
 * A malformed file makes C_Initialize fail, with its file and line on stderr.
 */
#include "cdparse.h"

#include <dlfcn.h>
#include <pkcs11.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Leave through the function's `out:` label with code when cond holds. */
#define FAIL_IF(cond, code) \
    do {                    \
        if (cond) {         \
            rv = (code);    \
            goto out;       \
        }                   \
    } while (0)
#define REQUIRE_INIT() FAIL_IF(!g.initialized, CKR_CRYPTOKI_NOT_INITIALIZED)

#define MAX_FILES 16
#define SLOT_ID 1
#define PROG "libdistrust-pkcs11"
/* The rule for a module loaded without parameters (see the top comment). */
#define ENV_CERTDATA "DISTRUST_CERTDATA"
#define BESIDE_NAME "distrust-certdata.txt"

struct object {
    CK_ATTRIBUTE *attrs;
    CK_ULONG n;
};

struct session {
    CK_SESSION_HANDLE handle;
    bool open;
    bool finding;
    CK_OBJECT_HANDLE *found;
    CK_ULONG n_found, pos;
};

static struct {
    pthread_mutex_t lock;
    bool initialized;
    bool root_store;
    char label[33];
    struct dt_cd_file files[MAX_FILES];
    size_t n_files;
    struct object *objs;
    size_t n_objs;
    struct session *sessions;
    size_t n_sessions, cap_sessions;
    CK_SESSION_HANDLE next_handle;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* A root-list object for root-store mode (values as nssckbi serves them). */
static const CK_OBJECT_CLASS root_list_class = CKO_NSS_BUILTIN_ROOT_LIST;
static const CK_BBOOL ck_true = CK_TRUE, ck_false = CK_FALSE;
static char root_list_label[] = "distrust root store";

/* ---- parameters ----------------------------------------------------------- */

static void print_diag(const struct dt_diag *dg, void *ctx)
{
    (void)ctx;
    const char *sev = dg->severity == DT_ERROR     ? "error"
                      : dg->severity == DT_WARNING ? "warning"
                                                   : "note";
    if (dg->file && dg->line)
        fprintf(stderr, PROG ": %s:%u: %s: %s\n", dg->file, dg->line, sev, dg->message);
    else if (dg->file)
        fprintf(stderr, PROG ": %s: %s: %s\n", dg->file, sev, dg->message);
    else
        fprintf(stderr, PROG ": %s: %s\n", sev, dg->message);
    if (dg->source_line && dg->source_line[0])
        fprintf(stderr, PROG ":     %s\n", dg->source_line);
}

/* Next KEY=VALUE of the parameters string; VALUE may be "quoted" with \" and
 * \\ escapes. Returns false at the end; on a syntax error *bad says what is
 * wrong and *p points at the parameter. */
static bool next_param(const char **p, char *key, size_t kcap, char *val, size_t vcap,
                       const char **bad)
{
    const char *s = *p;
    *bad = NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (!*s)
        return false;
    const char *start = s;
    size_t k = 0;
    while (*s && *s != '=' && *s != ' ' && *s != '\t') {
        if (k + 1 < kcap)
            key[k++] = *s;
        s++;
    }
    key[k] = '\0';
    if (k + 1 >= kcap) {
        *bad = "a name longer than the parameter names";
        *p = start;
        return true;
    }
    if (*s != '=') {
        *bad = "expected KEY=VALUE";
        *p = start;
        return true;
    }
    s++;
    size_t v = 0;
    if (*s == '"') {
        s++;
        while (*s && *s != '"') {
            if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                s++;
            if (v + 1 < vcap)
                val[v++] = *s;
            s++;
        }
        if (*s != '"') {
            *bad = "a quoted value without its closing quote";
            *p = start;
            return true;
        }
        s++;
    } else {
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (v + 1 < vcap)
                val[v++] = *s;
            s++;
        }
    }
    val[v] = '\0';
    if (v + 1 >= vcap) {
        /* never a cut path: that could name another file */
        *bad = "a value longer than the 4,094-byte cap";
        *p = start;
        return true;
    }
    *p = s;
    return true;
}

static void free_objects(void)
{
    for (size_t i = 0; i < g.n_objs; i++)
        free(g.objs[i].attrs);
    free(g.objs);
    g.objs = NULL;
    g.n_objs = 0;
    for (size_t i = 0; i < g.n_files; i++)
        dt_cdparse_free(&g.files[i]);
    g.n_files = 0;
    for (size_t i = 0; i < g.n_sessions; i++)
        free(g.sessions[i].found);
    free(g.sessions);
    g.sessions = NULL;
    g.n_sessions = g.cap_sessions = 0;
}

static CK_RV add_object(const struct dt_cd_object *o)
{
    struct object *ob = &g.objs[g.n_objs];
    ob->attrs = calloc(o->n_attrs ? o->n_attrs : 1, sizeof(CK_ATTRIBUTE));
    if (!ob->attrs)
        return CKR_HOST_MEMORY;
    for (size_t i = 0; i < o->n_attrs; i++) {
        const struct dt_cd_attr *a = &o->attrs[i];
        ob->attrs[i].type = a->type;
        ob->attrs[i].pValue = (void *)(uintptr_t)a->value;
        /* UTF8 values go out with their NUL, as nssckbi serves them. */
        ob->attrs[i].ulValueLen = a->len + (a->kind == DT_CD_UTF8 ? 1 : 0);
    }
    ob->n = o->n_attrs;
    g.n_objs++;
    return CKR_OK;
}

static CK_RV add_root_list(void)
{
    struct object *ob = &g.objs[g.n_objs];
    ob->attrs = calloc(5, sizeof(CK_ATTRIBUTE));
    if (!ob->attrs)
        return CKR_HOST_MEMORY;
    CK_ATTRIBUTE t[5] = {
        {CKA_CLASS, (void *)&root_list_class, sizeof(root_list_class)},
        {CKA_TOKEN, (void *)&ck_true, sizeof(CK_BBOOL)},
        {CKA_PRIVATE, (void *)&ck_false, sizeof(CK_BBOOL)},
        {CKA_MODIFIABLE, (void *)&ck_false, sizeof(CK_BBOOL)},
        {CKA_LABEL, root_list_label, sizeof(root_list_label)},
    };
    memcpy(ob->attrs, t, sizeof(t));
    ob->n = 5;
    g.n_objs++;
    return CKR_OK;
}

static bool blank(const char *s)
{
    if (!s)
        return true;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    return !*s;
}

/* The certdata files of a module loaded without parameters, by the rule of
 * the top comment: fills store[0..*n) with strdup'd paths. */
static CK_RV default_paths(char **store, size_t *n)
{
    CK_RV rv = CKR_OK;
    char *dir = NULL;
    *n = 0;
    const char *env = getenv(ENV_CERTDATA);
    if (env && *env) {
        const char *s = env;
        while (*s) {
            const char *e = strchr(s, ':');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len) {
                if (*n == MAX_FILES) {
                    fprintf(stderr, PROG ": error: " ENV_CERTDATA " names more than %d files\n",
                            MAX_FILES);
                    rv = CKR_ARGUMENTS_BAD;
                    goto out;
                }
                store[*n] = strndup(s, len);
                FAIL_IF(!store[*n], CKR_HOST_MEMORY);
                (*n)++;
            }
            s += len + (e ? 1 : 0);
        }
        if (!*n) {
            fprintf(stderr, PROG ": error: " ENV_CERTDATA "=\"%.200s\" names no file\n", env);
            rv = CKR_ARGUMENTS_BAD;
        }
        goto out;
    }
    /* Any address inside this shared object gives its file name. */
    Dl_info info;
    const char *self = dladdr(&g, &info) && info.dli_fname ? info.dli_fname : NULL;
    const char *slash = self ? strrchr(self, '/') : NULL;
    size_t dlen = slash ? (size_t)(slash - self) : 0;
    dir = slash ? strndup(self, dlen ? dlen : 1) : strdup(".");
    FAIL_IF(!dir, CKR_HOST_MEMORY);
    char *abs = realpath(dir, NULL); /* dlopen may have been given a relative path */
    if (abs) {
        free(dir);
        dir = abs;
    }
    size_t cap = strlen(dir) + sizeof("/" BESIDE_NAME);
    store[0] = malloc(cap);
    FAIL_IF(!store[0], CKR_HOST_MEMORY);
    snprintf(store[0], cap, "%s%s" BESIDE_NAME, dir, strcmp(dir, "/") ? "/" : "");
    struct stat st;
    if (stat(store[0], &st) != 0) {
        fprintf(stderr,
                PROG ": error: loaded without parameters, and no certdata to serve: "
                     ENV_CERTDATA " is not set and there is no %s beside %s "
                     "(give certdata=PATH, set " ENV_CERTDATA "=PATH[:PATH...], or put the "
                     "file there)\n",
                store[0], self ? self : "this module");
        free(store[0]);
        store[0] = NULL;
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    *n = 1;
out:
    free(dir);
    return rv;
}

static CK_RV load(const char *params)
{
    char key[64], val[4096];
    const char *p = params ? params : "";
    const char *paths[MAX_FILES];
    size_t n_paths = 0;
    const char *bad;
    struct dt_diags d;
    dt_diag_init(&d, print_diag, NULL);

    g.root_store = false;
    snprintf(g.label, sizeof(g.label), "%s", "");
    char *path_store[MAX_FILES] = {NULL};
    CK_RV rv = CKR_OK;
    if (blank(params)) {
        /* A built-in roots module: the rule of the top comment. */
        g.root_store = true;
        if ((rv = default_paths(path_store, &n_paths)) != CKR_OK)
            goto out;
        for (size_t i = 0; i < n_paths; i++)
            paths[i] = path_store[i];
    }
    while (next_param(&p, key, sizeof(key), val, sizeof(val), &bad)) {
        if (bad) {
            fprintf(stderr, PROG ": error: malformed parameter \"%.60s\": %s\n", p, bad);
            rv = CKR_ARGUMENTS_BAD;
            goto out;
        }
        if (!strcmp(key, "certdata")) {
            if (n_paths == MAX_FILES) {
                fprintf(stderr, PROG ": error: more than %d certdata= files\n", MAX_FILES);
                rv = CKR_ARGUMENTS_BAD;
                goto out;
            }
            path_store[n_paths] = strdup(val);
            FAIL_IF(!path_store[n_paths], CKR_HOST_MEMORY);
            paths[n_paths] = path_store[n_paths];
            n_paths++;
        } else if (!strcmp(key, "mode")) {
            if (!strcmp(val, "root-store"))
                g.root_store = true;
            else if (!strcmp(val, "overlay"))
                g.root_store = false;
            else {
                fprintf(stderr, PROG ": error: mode=%s: expected overlay or root-store\n", val);
                rv = CKR_ARGUMENTS_BAD;
                goto out;
            }
        } else if (!strcmp(key, "label")) {
            snprintf(g.label, sizeof(g.label), "%.32s", val);
        } else {
            fprintf(stderr,
                    PROG ": error: unknown parameter \"%s\" (known: certdata=, mode=, label=)\n",
                    key);
            rv = CKR_ARGUMENTS_BAD;
            goto out;
        }
    }
    if (!n_paths) {
        fprintf(stderr, PROG ": error: no certdata=PATH parameter: nothing to serve\n");
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if (!g.label[0])
        snprintf(g.label, sizeof(g.label), "%s",
                 g.root_store ? "distrust root store" : "distrust overlay");

    size_t total = 1;
    for (size_t i = 0; i < n_paths; i++) {
        if (dt_cdparse_file(paths[i], &g.files[g.n_files], &d) != DT_OK) {
            dt_cdparse_free(&g.files[g.n_files]);
            rv = CKR_GENERAL_ERROR;
            goto out;
        }
        total += g.files[g.n_files].n_objs;
        g.n_files++;
    }
    g.objs = calloc(total, sizeof(*g.objs));
    FAIL_IF(!g.objs, CKR_HOST_MEMORY);
    bool have_root_list = false;
    for (size_t f = 0; f < g.n_files; f++) {
        for (size_t i = 0; i < g.files[f].n_objs; i++) {
            const struct dt_cd_object *o = &g.files[f].objs[i];
            if (o->klass == CKO_NSS_BUILTIN_ROOT_LIST) {
                /* Overlay mode must not look like a built-in root store. */
                if (!g.root_store || have_root_list)
                    continue;
                have_root_list = true;
            }
            if ((rv = add_object(o)) != CKR_OK)
                goto out;
        }
    }
    if (g.root_store && !have_root_list && (rv = add_root_list()) != CKR_OK)
        goto out;
out:
    for (size_t i = 0; i < MAX_FILES; i++)
        free(path_store[i]);
    if (rv != CKR_OK)
        free_objects();
    return rv;
}

/* ---- helpers ---------------------------------------------------------------- */

static void pad(CK_UTF8CHAR *dst, size_t n, const char *src)
{
    memset(dst, ' ', n);
    size_t k = strlen(src);
    memcpy(dst, src, k < n ? k : n);
}

static struct session *find_session(CK_SESSION_HANDLE h)
{
    for (size_t i = 0; i < g.n_sessions; i++)
        if (g.sessions[i].open && g.sessions[i].handle == h)
            return &g.sessions[i];
    return NULL;
}

static struct object *find_object(CK_OBJECT_HANDLE h)
{
    return h >= 1 && h <= g.n_objs ? &g.objs[h - 1] : NULL;
}

static const CK_ATTRIBUTE *get_attr(const struct object *o, CK_ATTRIBUTE_TYPE t)
{
    for (CK_ULONG i = 0; i < o->n; i++)
        if (o->attrs[i].type == t)
            return &o->attrs[i];
    return NULL;
}

/* The contents of a DER INTEGER TLV (short or long form), or false. */
static bool integer_contents(const uint8_t *p, size_t n, const uint8_t **c, size_t *cn)
{
    if (n < 2 || p[0] != 0x02)
        return false;
    size_t len, hdr;
    if (p[1] < 0x80) {
        len = p[1];
        hdr = 2;
    } else if (p[1] == 0x81 && n >= 3) {
        len = p[2];
        hdr = 3;
    } else if (p[1] == 0x82 && n >= 4) {
        len = (size_t)p[2] << 8 | p[3];
        hdr = 4;
    } else {
        return false;
    }
    if (hdr + len != n)
        return false;
    *c = p + hdr;
    *cn = len;
    return true;
}

static bool matches(const struct object *o, const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
    for (CK_ULONG i = 0; i < n; i++) {
        const CK_ATTRIBUTE *a = get_attr(o, tmpl[i].type);
        if (!a)
            return false;
        if (a->ulValueLen == tmpl[i].ulValueLen &&
            (a->ulValueLen == 0 ||
             (tmpl[i].pValue && !memcmp(a->pValue, tmpl[i].pValue, a->ulValueLen))))
            continue;
        if (tmpl[i].type == CKA_SERIAL_NUMBER && tmpl[i].pValue &&
            tmpl[i].ulValueLen < a->ulValueLen) {
            const uint8_t *c;
            size_t cn;
            if (integer_contents(a->pValue, a->ulValueLen, &c, &cn) && cn == tmpl[i].ulValueLen &&
                !memcmp(c, tmpl[i].pValue, cn))
                continue;
        }
        return false;
    }
    return true;
}

#define LOCK() pthread_mutex_lock(&g.lock)
#define UNLOCK() pthread_mutex_unlock(&g.lock)

/* ---- general functions ------------------------------------------------------ */

static CK_RV p11_C_Initialize(CK_VOID_PTR pInitArgs)
{
    CK_RV rv;
    LOCK();
    FAIL_IF(g.initialized, CKR_CRYPTOKI_ALREADY_INITIALIZED);
    const char *params = NULL;
    if (pInitArgs) {
        CK_C_INITIALIZE_ARGS *args = pInitArgs;
        /* NSS passes the parameters string in the slot the PKCS #11
         * standard calls pReserved (NSS: LibraryParameters). */
        params = (const char *)args->LibraryParameters;
        bool some = args->CreateMutex || args->DestroyMutex || args->LockMutex || args->UnlockMutex;
        bool all = args->CreateMutex && args->DestroyMutex && args->LockMutex && args->UnlockMutex;
        FAIL_IF(some && !all, CKR_ARGUMENTS_BAD);
        if (some && !(args->flags & CKF_OS_LOCKING_OK)) {
            rv = CKR_CANT_LOCK; /* this module locks with the OS only */
            goto out;
        }
    }
    rv = load(params);
    if (rv == CKR_OK) {
        g.initialized = true;
        g.next_handle = 1;
    }
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_Finalize(CK_VOID_PTR pReserved)
{
    if (pReserved)
        return CKR_ARGUMENTS_BAD;
    LOCK();
    CK_RV rv = CKR_OK;
    if (!g.initialized)
        rv = CKR_CRYPTOKI_NOT_INITIALIZED;
    else {
        free_objects();
        g.initialized = false;
    }
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetInfo(CK_INFO_PTR pInfo)
{
    if (!pInfo)
        return CKR_ARGUMENTS_BAD;
    LOCK();
    bool init = g.initialized;
    UNLOCK();
    if (!init)
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    memset(pInfo, 0, sizeof(*pInfo));
    pInfo->cryptokiVersion.major = 2;
    pInfo->cryptokiVersion.minor = 40;
    pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), "distrust");
    pad(pInfo->libraryDescription, sizeof(pInfo->libraryDescription),
        "distrust certdata.txt module");
    pInfo->libraryVersion.major = 0;
    pInfo->libraryVersion.minor = 1;
    return CKR_OK;
}

static CK_RV p11_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList);

/* ---- slots and tokens --------------------------------------------------------- */

static CK_RV p11_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
                               CK_ULONG_PTR pulCount)
{
    CK_RV rv = CKR_OK;
    (void)tokenPresent;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(!pulCount, CKR_ARGUMENTS_BAD);
    if (pSlotList) {
        if (*pulCount < 1) {
            *pulCount = 1;
            rv = CKR_BUFFER_TOO_SMALL;
            goto out;
        }
        pSlotList[0] = SLOT_ID;
    }
    *pulCount = 1;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(slotID != SLOT_ID, CKR_SLOT_ID_INVALID);
    FAIL_IF(!pInfo, CKR_ARGUMENTS_BAD);
    memset(pInfo, 0, sizeof(*pInfo));
    pad(pInfo->slotDescription, sizeof(pInfo->slotDescription), g.label);
    pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), "distrust");
    pInfo->flags = CKF_TOKEN_PRESENT;
    pInfo->hardwareVersion.major = 0;
    pInfo->firmwareVersion.major = 0;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(slotID != SLOT_ID, CKR_SLOT_ID_INVALID);
    FAIL_IF(!pInfo, CKR_ARGUMENTS_BAD);
    memset(pInfo, 0, sizeof(*pInfo));
    pad(pInfo->label, sizeof(pInfo->label), g.label);
    pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), "distrust");
    pad(pInfo->model, sizeof(pInfo->model), g.root_store ? "root store" : "overlay");
    pad(pInfo->serialNumber, sizeof(pInfo->serialNumber), "1");
    pInfo->flags = CKF_WRITE_PROTECTED | CKF_TOKEN_INITIALIZED;
    pInfo->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    CK_ULONG open = 0;
    for (size_t i = 0; i < g.n_sessions; i++)
        open += g.sessions[i].open;
    pInfo->ulSessionCount = open;
    pInfo->ulMaxRwSessionCount = 0;
    pInfo->ulRwSessionCount = 0;
    pInfo->ulMaxPinLen = 0;
    pInfo->ulMinPinLen = 0;
    pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->firmwareVersion.minor = 1;
    pad(pInfo->utcTime, sizeof(pInfo->utcTime), "");
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList,
                                    CK_ULONG_PTR pulCount)
{
    CK_RV rv = CKR_OK;
    (void)pMechanismList;
    LOCK();
    REQUIRE_INIT();
    if (slotID != SLOT_ID)
        rv = CKR_SLOT_ID_INVALID;
    else if (!pulCount)
        rv = CKR_ARGUMENTS_BAD;
    else
        *pulCount = 0;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
                                    CK_MECHANISM_INFO_PTR pInfo)
{
    (void)type;
    (void)pInfo;
    return slotID == SLOT_ID ? CKR_MECHANISM_INVALID : CKR_SLOT_ID_INVALID;
}

/* ---- sessions ----------------------------------------------------------------- */

static CK_RV p11_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication,
                               CK_NOTIFY Notify, CK_SESSION_HANDLE_PTR phSession)
{
    CK_RV rv = CKR_OK;
    (void)pApplication;
    (void)Notify;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(slotID != SLOT_ID, CKR_SLOT_ID_INVALID);
    FAIL_IF(!phSession, CKR_ARGUMENTS_BAD);
    FAIL_IF(!(flags & CKF_SERIAL_SESSION), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    FAIL_IF(flags & CKF_RW_SESSION, CKR_TOKEN_WRITE_PROTECTED);
    struct session *s = NULL;
    for (size_t i = 0; i < g.n_sessions && !s; i++)
        if (!g.sessions[i].open)
            s = &g.sessions[i];
    if (!s) {
        if (g.n_sessions == g.cap_sessions) {
            size_t cap = g.cap_sessions ? g.cap_sessions * 2 : 8;
            struct session *ns = realloc(g.sessions, cap * sizeof(*ns));
            FAIL_IF(!ns, CKR_HOST_MEMORY);
            g.sessions = ns;
            g.cap_sessions = cap;
        }
        s = &g.sessions[g.n_sessions++];
        memset(s, 0, sizeof(*s));
    }
    free(s->found);
    memset(s, 0, sizeof(*s));
    s->open = true;
    s->handle = g.next_handle++;
    *phSession = s->handle;
out:
    UNLOCK();
    return rv;
}

static void close_session(struct session *s)
{
    free(s->found);
    s->found = NULL;
    s->open = false;
    s->finding = false;
}

static CK_RV p11_C_CloseSession(CK_SESSION_HANDLE hSession)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct session *s = find_session(hSession);
    if (!s)
        rv = CKR_SESSION_HANDLE_INVALID;
    else
        close_session(s);
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_CloseAllSessions(CK_SLOT_ID slotID)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(slotID != SLOT_ID, CKR_SLOT_ID_INVALID);
    for (size_t i = 0; i < g.n_sessions; i++)
        if (g.sessions[i].open)
            close_session(&g.sessions[i]);
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    FAIL_IF(!find_session(hSession), CKR_SESSION_HANDLE_INVALID);
    FAIL_IF(!pInfo, CKR_ARGUMENTS_BAD);
    memset(pInfo, 0, sizeof(*pInfo));
    pInfo->slotID = SLOT_ID;
    pInfo->state = CKS_RO_PUBLIC_SESSION;
    pInfo->flags = CKF_SERIAL_SESSION;
out:
    UNLOCK();
    return rv;
}

/* ---- objects ------------------------------------------------------------------- */

static CK_RV p11_C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                                 CK_ULONG_PTR pulSize)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct object *o = find_object(hObject);
    if (!find_session(hSession))
        rv = CKR_SESSION_HANDLE_INVALID;
    else if (!o)
        rv = CKR_OBJECT_HANDLE_INVALID;
    else if (!pulSize)
        rv = CKR_ARGUMENTS_BAD;
    else {
        CK_ULONG n = 0;
        for (CK_ULONG i = 0; i < o->n; i++)
            n += o->attrs[i].ulValueLen;
        *pulSize = n;
    }
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                                     CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct object *o = find_object(hObject);
    FAIL_IF(!find_session(hSession), CKR_SESSION_HANDLE_INVALID);
    FAIL_IF(!o, CKR_OBJECT_HANDLE_INVALID);
    FAIL_IF(!pTemplate && ulCount, CKR_ARGUMENTS_BAD);
    for (CK_ULONG i = 0; i < ulCount; i++) {
        const CK_ATTRIBUTE *a = get_attr(o, pTemplate[i].type);
        if (!a) {
            pTemplate[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_TYPE_INVALID;
            continue;
        }
        if (!pTemplate[i].pValue) {
            pTemplate[i].ulValueLen = a->ulValueLen;
            continue;
        }
        if (pTemplate[i].ulValueLen < a->ulValueLen) {
            pTemplate[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            if (rv == CKR_OK)
                rv = CKR_BUFFER_TOO_SMALL;
            continue;
        }
        if (a->ulValueLen)
            memcpy(pTemplate[i].pValue, a->pValue, a->ulValueLen);
        pTemplate[i].ulValueLen = a->ulValueLen;
    }
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                                   CK_ULONG ulCount)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct session *s = find_session(hSession);
    FAIL_IF(!s, CKR_SESSION_HANDLE_INVALID);
    FAIL_IF(s->finding, CKR_OPERATION_ACTIVE);
    FAIL_IF(!pTemplate && ulCount, CKR_ARGUMENTS_BAD);
    free(s->found);
    s->found = calloc(g.n_objs ? g.n_objs : 1, sizeof(CK_OBJECT_HANDLE));
    FAIL_IF(!s->found, CKR_HOST_MEMORY);
    s->n_found = s->pos = 0;
    for (size_t i = 0; i < g.n_objs; i++)
        if (matches(&g.objs[i], pTemplate, ulCount))
            s->found[s->n_found++] = (CK_OBJECT_HANDLE)(i + 1);
    s->finding = true;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject,
                               CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct session *s = find_session(hSession);
    FAIL_IF(!s, CKR_SESSION_HANDLE_INVALID);
    FAIL_IF(!s->finding, CKR_OPERATION_NOT_INITIALIZED);
    FAIL_IF(!pulObjectCount || (!phObject && ulMaxObjectCount), CKR_ARGUMENTS_BAD);
    CK_ULONG n = 0;
    while (n < ulMaxObjectCount && s->pos < s->n_found)
        phObject[n++] = s->found[s->pos++];
    *pulObjectCount = n;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
    CK_RV rv = CKR_OK;
    LOCK();
    REQUIRE_INIT();
    struct session *s = find_session(hSession);
    FAIL_IF(!s, CKR_SESSION_HANDLE_INVALID);
    FAIL_IF(!s->finding, CKR_OPERATION_NOT_INITIALIZED);
    free(s->found);
    s->found = NULL;
    s->finding = false;
out:
    UNLOCK();
    return rv;
}

static CK_RV p11_C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData,
                                  CK_ULONG ulRandomLen)
{
    (void)hSession;
    (void)RandomData;
    (void)ulRandomLen;
    return CKR_RANDOM_NO_RNG;
}

static CK_RV p11_C_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
{
    (void)hSession;
    (void)pSeed;
    (void)ulSeedLen;
    return CKR_RANDOM_SEED_NOT_SUPPORTED;
}

/* ---- everything a read-only certificate token does not do ------------------------- */

#include "stubs.h"

static CK_FUNCTION_LIST function_list = {
    {2, 40},
    p11_C_Initialize,
    p11_C_Finalize,
    p11_C_GetInfo,
    p11_C_GetFunctionList,
    p11_C_GetSlotList,
    p11_C_GetSlotInfo,
    p11_C_GetTokenInfo,
    p11_C_GetMechanismList,
    p11_C_GetMechanismInfo,
    p11_C_InitToken,
    p11_C_InitPIN,
    p11_C_SetPIN,
    p11_C_OpenSession,
    p11_C_CloseSession,
    p11_C_CloseAllSessions,
    p11_C_GetSessionInfo,
    p11_C_GetOperationState,
    p11_C_SetOperationState,
    p11_C_Login,
    p11_C_Logout,
    p11_C_CreateObject,
    p11_C_CopyObject,
    p11_C_DestroyObject,
    p11_C_GetObjectSize,
    p11_C_GetAttributeValue,
    p11_C_SetAttributeValue,
    p11_C_FindObjectsInit,
    p11_C_FindObjects,
    p11_C_FindObjectsFinal,
    p11_C_EncryptInit,
    p11_C_Encrypt,
    p11_C_EncryptUpdate,
    p11_C_EncryptFinal,
    p11_C_DecryptInit,
    p11_C_Decrypt,
    p11_C_DecryptUpdate,
    p11_C_DecryptFinal,
    p11_C_DigestInit,
    p11_C_Digest,
    p11_C_DigestUpdate,
    p11_C_DigestKey,
    p11_C_DigestFinal,
    p11_C_SignInit,
    p11_C_Sign,
    p11_C_SignUpdate,
    p11_C_SignFinal,
    p11_C_SignRecoverInit,
    p11_C_SignRecover,
    p11_C_VerifyInit,
    p11_C_Verify,
    p11_C_VerifyUpdate,
    p11_C_VerifyFinal,
    p11_C_VerifyRecoverInit,
    p11_C_VerifyRecover,
    p11_C_DigestEncryptUpdate,
    p11_C_DecryptDigestUpdate,
    p11_C_SignEncryptUpdate,
    p11_C_DecryptVerifyUpdate,
    p11_C_GenerateKey,
    p11_C_GenerateKeyPair,
    p11_C_WrapKey,
    p11_C_UnwrapKey,
    p11_C_DeriveKey,
    p11_C_SeedRandom,
    p11_C_GenerateRandom,
    p11_C_GetFunctionStatus,
    p11_C_CancelFunction,
    p11_C_WaitForSlotEvent,
};

static CK_RV p11_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
    if (!ppFunctionList)
        return CKR_ARGUMENTS_BAD;
    *ppFunctionList = &function_list;
    return CKR_OK;
}

/* The one exported symbol. */
__attribute__((visibility("default"))) CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
    return p11_C_GetFunctionList(ppFunctionList);
}
