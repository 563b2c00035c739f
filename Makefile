# distrust - plain Makefile. `make` builds the tool (build/distrust), its
# internals as a static library that is never installed
# (build/libdistrust-internal.a), the installed reader library
# (build/libdistrust.so.1, build/libdistrust.a) and the PKCS#11 module;
# `make check` runs the fast tests, `make check-slow` the slow ones, `make
# asan` all under ASan+UBSan, `make check-all` the three;
# `make fuzz` builds the libFuzzer targets (clang).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKCS11DIR ?= $(LIBDIR)/pkcs11
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DT_VERSION := $(shell sed -n 's/^\#define DT_VERSION "\(.*\)"$$/\1/p' builder/base/version.h)

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := nss libcrypto zlib jansson

B ?= build
SAN_FLAGS ?=
OPT ?= -O2

# The reader library links these only (distrust.pc's Requires).
READER_PKGS := libcrypto zlib

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
READER_LIBS := $(shell $(PKG_CONFIG) --libs $(READER_PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wno-format-nonliteral -Werror
CFLAGS ?= $(OPT) -g
# The tool's layers (DESIGN.md "Layout"; tests/e2e/t_layers.sh checks that
# a lower layer never includes a higher one).
LAYERS := base x509 reader load model emit verify tasks
IQUOTE := $(LAYERS:%=-iquote builder/%)
# Every object is built with hidden visibility: only the functions the
# public headers mark DISTRUST_API can be exported (by libdistrust.so.1,
# through builder/reader/exports.map), and sections per function let its
# link drop what the reader does not call.
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DDT_PKCS11DIR='"$(PKCS11DIR)"' $(WARN) $(SAN_FLAGS) -fPIC \
              -fvisibility=hidden -ffunction-sections -fdata-sections -Iinclude $(IQUOTE) \
              $(PKG_CFLAGS) $(CFLAGS)
LDLIBS := $(PKG_LIBS)

LIB_SRC := $(sort $(foreach l,$(LAYERS),$(wildcard builder/$(l)/*.c)))
PKCS11_SRC := builder/pkcs11/module.c
# The library modules the PKCS#11 module is linked from (no OpenSSL, no NSS
# libraries: NSS loads the module, the module only uses NSS's headers).
PKCS11_LIB := load/cdparse base/buf base/err base/mem base/slice base/diag base/file x509/der base/hex base/time \
              base/arena base/suggest
CLI_SRC := $(sort $(wildcard builder/cli/*.c))
# The installed library: the reader and the base and x509 objects it needs
# (libcrypto and zlib only: no NSS, NSPR or jansson; -z defs proves it).
READER_MOD := reader/blob reader/blob_openssl reader/blobfmt x509/cert x509/der x509/digest \
              x509/ecdsa x509/name x509/pubkey base/b64 base/buf base/diag base/err base/file \
              base/mem base/slice base/time
READER_OBJ := $(READER_MOD:%=$(B)/obj/builder/%.o)
READER_MAP := builder/reader/exports.map
SONAME := libdistrust.so.1
SO_FILE := libdistrust.so.1.0.0
PUBLIC_HEADERS := include/distrust/blob.h include/distrust/openssl.h
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_STDIN_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz-stdin/%)

.PHONY: all check check-slow check-all unit asan fuzz fuzz-run install uninstall clean fixtures golden demo \
        valgrind format bench

INTERNAL := $(B)/libdistrust-internal.a

all: $(B)/distrust $(INTERNAL) $(B)/$(SO_FILE) $(B)/libdistrust.a $(B)/libdistrust-pkcs11.so

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The tool's internals: linked into the CLI, the unit tests, the fuzz
# targets and the benchmarks; never installed.
$(INTERNAL): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The installed reader library, soname libdistrust.so.1: exports exactly
# what exports.map lists (the DISTRUST_API functions of include/distrust/).
$(B)/$(SO_FILE): $(READER_OBJ) $(READER_MAP)
	$(CC) $(SAN_FLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(READER_MAP) \
	  -Wl,-z,defs -Wl,--gc-sections -o $@ $(READER_OBJ) $(READER_LIBS)
	ln -sf $(SO_FILE) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libdistrust.so

# The same reader as a static library: one relocatable object whose hidden
# symbols are made local, so that a program linking it statically sees the
# API only (no dt_buf_* to collide with).
$(B)/libdistrust.a: $(READER_OBJ)
	@rm -f $@ $(B)/reader-static.o
	$(LD) -r -o $(B)/reader-static.o $(READER_OBJ)
	objcopy --localize-hidden $(B)/reader-static.o
	ar rcs $@ $(B)/reader-static.o

$(B)/obj/builder/pkcs11/module.o: builder/pkcs11/module.c builder/pkcs11/stubs.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -fvisibility=hidden -MMD -MP -c $< -o $@

$(B)/libdistrust-pkcs11.so: $(B)/obj/builder/pkcs11/module.o \
		$(PKCS11_LIB:%=$(B)/obj/builder/%.o) builder/pkcs11/exports.map
	$(CC) $(SAN_FLAGS) -shared -Wl,--version-script=builder/pkcs11/exports.map \
	  -Wl,-z,defs -o $@ $(B)/obj/builder/pkcs11/module.o \
	  $(PKCS11_LIB:%=$(B)/obj/builder/%.o) -lpthread

$(B)/distrust: $(CLI_OBJ) $(INTERNAL)
	$(CC) $(SAN_FLAGS) -o $@ $(CLI_OBJ) $(INTERNAL) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(INTERNAL) $(B)/libdistrust-pkcs11.so
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(INTERNAL) $(LDLIBS) -lpthread -ldl

# Fuzz targets built with the compiler at hand and a stdin driver, so their
# corpora replay as ordinary tests.
$(B)/fuzz-stdin/%: tests/fuzz/%.c tests/fuzz/stdin_driver.c $(INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/stdin_driver.c $(INTERNAL) $(LDLIBS)

unit: $(UNIT_BIN)

# The tests run in parallel (tests/run.sh): DT_JOBS=N sets the number of
# suites at once (default: the cores), T="PATTERN..." keeps the suites whose
# name contains a pattern (make check T="t_blob test_der"). `make check` is
# the fast tier; `make check-slow` the slow one (valgrind, 50 SIGKILL trials
# per command, the full fuzz corpora: suites marked "# tier: slow" or
# "# tier: split", the latter with DT_SLOW=1); `make asan` every suite of both
# tiers under ASan+UBSan; `make check-all` all three, one after the other.
T ?=
RUN_TIER ?=
check: all $(UNIT_BIN) $(FUZZ_STDIN_BIN)
	@B=$(B) sh tests/run.sh $(RUN_TIER) $(T)

check-slow: all $(UNIT_BIN) $(FUZZ_STDIN_BIN)
	@B=$(B) sh tests/run.sh --slow $(T)

check-all:
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory check-slow
	$(MAKE) --no-print-directory asan

asan:
	$(MAKE) B=build/asan OPT=-O1 \
	  SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  RUN_TIER=--all check

FUZZ_CC ?= clang
fuzz:
	@mkdir -p build/fuzz
	@set -e; for src in $(FUZZ_SRC); do \
	  name=$$(basename $$src .c); \
	  $(MAKE) --no-print-directory B=build/fuzz/obj CC=$(FUZZ_CC) OPT=-O1 \
	    SAN_FLAGS="-fsanitize=address,undefined,fuzzer-no-link" build/fuzz/obj/libdistrust-internal.a; \
	  echo "  FUZZ $$name"; \
	  $(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined,fuzzer \
	    -Iinclude $(IQUOTE) $(PKG_CFLAGS) -o build/fuzz/$$name $$src \
	    build/fuzz/obj/libdistrust-internal.a $(LDLIBS); \
	done

# Installs the tool, the PKCS#11 module, the man page and the reader library
# (headers under INCLUDEDIR/distrust/, libdistrust.so.1 with its links,
# libdistrust.a, distrust.pc). The tool's internals are not installed.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/distrust \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKCS11DIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(B)/distrust $(DESTDIR)$(BINDIR)/distrust
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/distrust/
	install -m 755 $(B)/$(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_FILE)
	ln -sf $(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdistrust.so
	install -m 644 $(B)/libdistrust.a $(DESTDIR)$(LIBDIR)/libdistrust.a
	install -m 755 $(B)/libdistrust-pkcs11.so $(DESTDIR)$(PKCS11DIR)/libdistrust-pkcs11.so
	install -m 644 doc/distrust.1 $(DESTDIR)$(MANDIR)/man1/distrust.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@PKCS11DIR@|$(PKCS11DIR)|' \
	  -e 's|@VERSION@|$(DT_VERSION)|' \
	  -e 's|@READER_PKGS@|$(READER_PKGS)|' distrust.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/distrust.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/distrust.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/distrust $(DESTDIR)$(LIBDIR)/libdistrust.a \
	  $(DESTDIR)$(LIBDIR)/libdistrust.so $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SO_FILE) \
	  $(DESTDIR)$(PKCS11DIR)/libdistrust-pkcs11.so $(DESTDIR)$(PKGCONFIGDIR)/distrust.pc \
	  $(PUBLIC_HEADERS:include/%=$(DESTDIR)$(INCLUDEDIR)/%) \
	  $(DESTDIR)$(MANDIR)/man1/distrust.1
	-rmdir $(DESTDIR)$(INCLUDEDIR)/distrust 2>/dev/null

# Regenerates the fixture PKI (new keys: review the diff, then `make golden`).
fixtures:
	scripts/mkpki.sh

# Regenerates the byte-exact expected outputs of tests/e2e/golden/.
golden: all
	sh tests/e2e/golden.sh --update

demo: all
	sh scripts/demo.sh

# Performance targets (bench/README.md); the data is generated once into
# $(B)/bench and reused.
$(B)/bench/genpool: bench/genpool.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

$(B)/bench/blobbench: bench/blobbench.c $(INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(INTERNAL) $(LDLIBS) -lm

$(B)/bench/crlbench: bench/crlbench.c $(INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(INTERNAL) $(LDLIBS)

$(B)/bench/rusage: bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

bench: all $(B)/bench/genpool $(B)/bench/blobbench $(B)/bench/crlbench $(B)/bench/rusage
	B=$(B) sh bench/run.sh

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(B)/obj/builder/pkcs11/module.d
