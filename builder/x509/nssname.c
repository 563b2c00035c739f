/*
 * nssname.c - name printing through NSS's CERT_NameToAscii.
 */
#include "nssname.h"

#include <cert.h>
#include <secasn1.h>
#include <secitem.h>
#include <secport.h>
#include <stdlib.h>
#include <string.h>

SEC_ASN1_MKSUB(CERT_NameTemplate)

/* Decodes a DER Name into an arena-backed CERTName. */
static CERTName *decode(PLArenaPool *arena, struct dt_slice der)
{
    CERTName *name = PORT_ArenaZNew(arena, CERTName);
    if (!name || der.n > 0xffffffffu)
        return NULL;
    /* QuickDER keeps pointers into the input, so copy it into the arena. */
    SECItem item = {siBuffer, NULL, (unsigned)der.n};
    item.data = PORT_ArenaAlloc(arena, der.n ? der.n : 1);
    if (!item.data)
        return NULL;
    if (der.n)
        memcpy(item.data, der.p, der.n);
    if (SEC_QuickDERDecodeItem(arena, name, SEC_ASN1_GET(CERT_NameTemplate), &item) != SECSuccess)
        return NULL;
    return name;
}

static char *with_name(struct dt_slice der, int mode)
{
    PLArenaPool *arena = PORT_NewArena(2048);
    char *out = NULL;
    if (!arena)
        return NULL;
    CERTName *name = decode(arena, der);
    char *s = NULL;
    if (mode == 2) {
        if (name)
            s = CERT_GetCommonName(name);
        if (s)
            out = dt_mem_strdup(s);
    } else {
        const char *text;
        if (name && (!name->rdns || !name->rdns[0]))
            text = "(empty)";
        else if (name && (s = CERT_NameToAscii(name)) != NULL)
            text = s;
        else
            text = mode == 1 ? "!Invalid AVA!" : NULL;
        if (text)
            out = dt_mem_strdup(text);
        if (out && mode == 1) {
            for (char *p = out; *p; p++) {
                unsigned char c = (unsigned char)*p;
                if (c < 0x20 || c >= 0x7f)
                    *p = '.';
            }
        }
    }
    if (s)
        PORT_Free(s);
    PORT_FreeArena(arena, PR_FALSE);
    return out;
}

char *dt_nssname_comment(struct dt_slice der)
{
    return with_name(der, 1);
}

char *dt_nssname_text(struct dt_slice der)
{
    return with_name(der, 0);
}

char *dt_nssname_common_name(struct dt_slice der)
{
    return with_name(der, 2);
}

char *dt_nssname_display(struct dt_slice der)
{
    char *cn = dt_nssname_common_name(der);
    if (cn && *cn)
        return cn;
    free(cn);
    return dt_nssname_text(der);
}
