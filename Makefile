# distrust - plain Makefile. `make` builds build/distrust, build/libdistrust.a;
# `make check` runs every test; `make asan` the same under ASan+UBSan;
# `make fuzz` builds the libFuzzer targets (clang).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKCS11DIR ?= $(LIBDIR)/pkcs11
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DT_VERSION := $(shell sed -n 's/^\#define DT_VERSION "\(.*\)"$$/\1/p' include/distrust.h)

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := nss libcrypto zlib jansson

B ?= build
SAN_FLAGS ?=
OPT ?= -O2

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wno-format-nonliteral -Werror
CFLAGS ?= $(OPT) -g
# The tool's layers (DESIGN.md "Layout"; tests/e2e/t_layers.sh checks that
# a lower layer never includes a higher one).
LAYERS := base x509 reader load model emit verify tasks
IQUOTE := $(LAYERS:%=-iquote builder/%)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DDT_PKCS11DIR='"$(PKCS11DIR)"' $(WARN) $(SAN_FLAGS) -fPIC -Iinclude $(IQUOTE) \
              $(PKG_CFLAGS) $(CFLAGS)
LDLIBS := $(PKG_LIBS)

LIB_SRC := $(sort $(foreach l,$(LAYERS),$(wildcard builder/$(l)/*.c)))
PKCS11_SRC := builder/pkcs11/module.c
# The library modules the PKCS#11 module is linked from (no OpenSSL, no NSS
# libraries: NSS loads the module, the module only uses NSS's headers).
PKCS11_LIB := load/cdparse base/buf base/err base/mem base/slice base/diag base/file x509/der base/hex base/time \
              base/arena base/suggest
CLI_SRC := $(sort $(wildcard builder/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_STDIN_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz-stdin/%)

.PHONY: all check unit asan fuzz fuzz-run install uninstall clean fixtures golden demo \
        valgrind format bench

all: $(B)/distrust $(B)/libdistrust.a $(B)/libdistrust.so $(B)/libdistrust-pkcs11.so

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/libdistrust.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library: the same objects (built -fPIC), soname libdistrust.so.0.
$(B)/libdistrust.so: $(LIB_OBJ)
	$(CC) $(SAN_FLAGS) -shared -Wl,-soname,libdistrust.so.0 -Wl,-z,defs -o $@ $^ $(LDLIBS) -lpthread
	ln -sf libdistrust.so $(B)/libdistrust.so.0

$(B)/obj/builder/pkcs11/module.o: builder/pkcs11/module.c builder/pkcs11/stubs.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -fvisibility=hidden -MMD -MP -c $< -o $@

$(B)/libdistrust-pkcs11.so: $(B)/obj/builder/pkcs11/module.o \
		$(PKCS11_LIB:%=$(B)/obj/builder/%.o) builder/pkcs11/exports.map
	$(CC) $(SAN_FLAGS) -shared -Wl,--version-script=builder/pkcs11/exports.map \
	  -Wl,-z,defs -o $@ $(B)/obj/builder/pkcs11/module.o \
	  $(PKCS11_LIB:%=$(B)/obj/builder/%.o) -lpthread

$(B)/distrust: $(CLI_OBJ) $(B)/libdistrust.a
	$(CC) $(SAN_FLAGS) -o $@ $(CLI_OBJ) $(B)/libdistrust.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libdistrust.a $(B)/libdistrust-pkcs11.so
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libdistrust.a $(LDLIBS) -lpthread -ldl

# Fuzz targets built with the compiler at hand and a stdin driver, so their
# corpora replay as ordinary tests.
$(B)/fuzz-stdin/%: tests/fuzz/%.c tests/fuzz/stdin_driver.c $(B)/libdistrust.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/stdin_driver.c $(B)/libdistrust.a $(LDLIBS)

unit: $(UNIT_BIN)

check: all $(UNIT_BIN) $(FUZZ_STDIN_BIN)
	@B=$(B) sh tests/run.sh

asan:
	$(MAKE) B=build/asan OPT=-O1 \
	  SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  check

FUZZ_CC ?= clang
fuzz:
	@mkdir -p build/fuzz
	@set -e; for src in $(FUZZ_SRC); do \
	  name=$$(basename $$src .c); \
	  $(MAKE) --no-print-directory B=build/fuzz/obj CC=$(FUZZ_CC) OPT=-O1 \
	    SAN_FLAGS="-fsanitize=address,undefined,fuzzer-no-link" build/fuzz/obj/libdistrust.a; \
	  echo "  FUZZ $$name"; \
	  $(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined,fuzzer \
	    -Iinclude $(IQUOTE) $(PKG_CFLAGS) -o build/fuzz/$$name $$src \
	    build/fuzz/obj/libdistrust.a $(LDLIBS); \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKCS11DIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(B)/distrust $(DESTDIR)$(BINDIR)/distrust
	install -m 644 $(B)/libdistrust.a $(DESTDIR)$(LIBDIR)/libdistrust.a
	install -m 644 include/distrust.h $(DESTDIR)$(INCLUDEDIR)/distrust.h
	install -m 644 include/distrust-openssl.h $(DESTDIR)$(INCLUDEDIR)/distrust-openssl.h
	install -m 755 $(B)/libdistrust.so $(DESTDIR)$(LIBDIR)/libdistrust.so.0
	ln -sf libdistrust.so.0 $(DESTDIR)$(LIBDIR)/libdistrust.so
	install -m 755 $(B)/libdistrust-pkcs11.so $(DESTDIR)$(PKCS11DIR)/libdistrust-pkcs11.so
	install -m 644 doc/distrust.1 $(DESTDIR)$(MANDIR)/man1/distrust.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@PKCS11DIR@|$(PKCS11DIR)|' \
	  -e 's|@VERSION@|$(DT_VERSION)|' \
	  -e 's|@PKGS@|$(PKGS)|' distrust.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/distrust.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/distrust.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/distrust $(DESTDIR)$(LIBDIR)/libdistrust.a \
	  $(DESTDIR)$(LIBDIR)/libdistrust.so $(DESTDIR)$(LIBDIR)/libdistrust.so.0 \
	  $(DESTDIR)$(PKCS11DIR)/libdistrust-pkcs11.so $(DESTDIR)$(PKGCONFIGDIR)/distrust.pc \
	  $(DESTDIR)$(INCLUDEDIR)/distrust.h $(DESTDIR)$(INCLUDEDIR)/distrust-openssl.h \
	  $(DESTDIR)$(MANDIR)/man1/distrust.1

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

$(B)/bench/blobbench: bench/blobbench.c $(B)/libdistrust.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libdistrust.a $(LDLIBS) -lm

$(B)/bench/crlbench: bench/crlbench.c $(B)/libdistrust.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libdistrust.a $(LDLIBS)

$(B)/bench/rusage: bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

bench: all $(B)/bench/genpool $(B)/bench/blobbench $(B)/bench/crlbench $(B)/bench/rusage
	B=$(B) sh bench/run.sh

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(B)/obj/builder/pkcs11/module.d
