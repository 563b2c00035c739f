/*
 * outdir.h - replace an output directory atomically.
 *
 * The new contents are written into a temporary directory beside OUT and
 * swapped in with one rename (renameat2 RENAME_EXCHANGE when OUT exists), so
 * OUT always holds either the previous complete build or the new one. A
 * failure removes the temporary directory and leaves OUT untouched.
 */
#ifndef DT_OUTDIR_H
#define DT_OUTDIR_H

#include "buf.h"
#include "diag.h"

struct dt_outfile {
    const char *name; /* relative path inside OUT; '/' makes subdirectories */
    struct dt_slice data;
    bool executable; /* mode 0777 & ~umask instead of 0666 & ~umask */
};

/* A growing list of output files that owns their names and contents. */
struct dt_outlist {
    struct dt_outfile *files; /* files[i].data points into bufs[i] */
    struct dt_buf *bufs;
    size_t n, cap;
};

void dt_outdir_list_init(struct dt_outlist *l);
/* Adds a file: data's contents move into the list (data is left empty). */
DT_MUST_USE enum dt_err dt_outdir_list_add(struct dt_outlist *l, const char *name, struct dt_buf *data);
/* Adds a file with a copy of data. */
DT_MUST_USE enum dt_err dt_outdir_list_add_copy(struct dt_outlist *l, const char *name,
                                            struct dt_slice data);
void dt_outdir_list_free(struct dt_outlist *l);

/* Refuses to replace an existing OUT that is not a directory, is a symbolic
 * link, or is a non-empty directory without a manifest.json (so that a
 * mistyped -o never wipes an unrelated directory). */
DT_MUST_USE enum dt_err dt_outdir_replace(const char *out, const struct dt_outfile *files, size_t n,
                                          struct dt_diags *d);

/* Checks the same preconditions without writing (for early failure). */
DT_MUST_USE enum dt_err dt_outdir_check(const char *out, struct dt_diags *d);

#endif
