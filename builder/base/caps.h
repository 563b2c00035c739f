/*
 * caps.h - every documented cap on input, in one place (doc/policy.md
 * lists them). Hitting a cap is an error that names the cap.
 */
#ifndef DT_CAPS_H
#define DT_CAPS_H

#define DT_MAX_POLICY_BYTES ((size_t)16 << 20)    /* one policy JSON file */
#define DT_MAX_POLICY_FILES 4096                  /* files in one build */
#define DT_MAX_RULES 100000                       /* entries across all policy files */
#define DT_MAX_CERT_FILE_BYTES ((size_t)16 << 20) /* one certificate file */
#define DT_MAX_CERTS_PER_FILE 10000
#define DT_MAX_POOL_FILE_BYTES ((size_t)1 << 30) /* one file of a certificate pool */
#define DT_MAX_POOL_CERTS_PER_FILE 4000000       /* certificates in one pool file */
#define DT_MAX_CERT_BYTES ((size_t)1 << 20)      /* one DER certificate */
#define DT_MAX_NAME_BYTES 65535                  /* a DER Name */
#define DT_MAX_SERIAL_OCTETS 64                  /* error above */
#define DT_WARN_SERIAL_OCTETS 20                 /* warning above (RFC 5280) */
#define DT_MAX_SERIAL_LINE 1024                  /* bytes per serial-file line */
#define DT_MAX_SERIALS 20000000                  /* serials across all files */
#define DT_MAX_LABEL_BYTES 1024                  /* label, bug, why, created */
#define DT_MAX_JSON_DEPTH 32                     /* nesting of a policy file */
#define DT_MAX_CERTDATA_BYTES ((size_t)64 << 20) /* a certdata.txt */
#define DT_MAX_ONECRL_BYTES ((size_t)256 << 20)  /* a OneCRL dump */
#define DT_MAX_NSS_LEAVES 5000 /* leaf (non-CA or unknown) distrusts targeting nss, per build */

#endif
