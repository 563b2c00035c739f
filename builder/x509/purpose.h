/*
 * purpose.h - the purposes a trust object speaks of (CKA_TRUST_SERVER_AUTH,
 * _EMAIL_PROTECTION, _CODE_SIGNING), as bits.
 */
#ifndef DT_PURPOSE_H
#define DT_PURPOSE_H

enum dt_purpose {
    DT_PURPOSE_SERVER = 1,
    DT_PURPOSE_EMAIL = 2,
    DT_PURPOSE_CODE = 4,
    DT_PURPOSE_ALL = 7,
};

#endif
