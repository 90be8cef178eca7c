# Makefile - lda, one non-recursive GNU Makefile
#
#   make            build build/lda
#   make demo       install missing build packages (as root), build, and
#                   deliver a sample message into ./demo/Maildir
#   make check      install what the tests need (as root), build, run all
#   make check SANITIZE=1   the same under ASan + UBSan (build/asan/)
#   make bench      benchmarks against maildrop, dovecot-lda and a floor
#   make fuzz       install clang (as root), build the libFuzzer harnesses
#   make fuzz-run   and run each FUZZ_SECONDS (10) over its seeds
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
SBINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
WARN = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
       -Wpointer-arith -Wwrite-strings -Wformat=2 -Wvla -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS)
LDFLAGS ?=

# libnfs: the API changed at 6.0 (LIBNFS_API_V2) and the write-size
# limit at 5.0; store/nfs_compat.h keeps both.  Deferred (=) so that
# pkg-config runs after the deps-* step has installed libnfs-dev.
NFS_CFLAGS = $(shell $(PKG_CONFIG) --cflags libnfs 2>/dev/null) \
    -DLDA_LIBNFS_MAJOR=$(firstword $(subst ., ,$(shell \
        $(PKG_CONFIG) --modversion libnfs 2>/dev/null || echo 4)))
# lda loads libnfs only for nfs:// Maildirs (store/nfs_compat.h), by
# the name its library carries.
NFS_SONAME = $(shell objdump -p $(shell $(PKG_CONFIG) --variable=libdir \
    libnfs 2>/dev/null)/libnfs.so 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
NFS_CFLAGS += $(if $(NFS_SONAME),-DLDA_LIBNFS_SONAME='"$(NFS_SONAME)"')

ifeq ($(SANITIZE),1)
B = build/asan
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
SAN_OBJ = $(B)/obj/tests/lsan_suppress.o
else
B = build
endif

# Packages, by the step that needs them (Debian 12 names).
DEPS_BUILD = gcc make pkg-config libnfs-dev libjansson-dev uuid-dev \
             libcurl4-openssl-dev libssl-dev
DEPS_CHECK = $(DEPS_BUILD) perl libcmocka-dev python3 postfix swaks \
             dovecot-core dovecot-imapd nfs-ganesha nfs-ganesha-vfs \
             libnfs-utils python3-jsonschema dovecot-sieve
DEPS_BENCH = $(DEPS_BUILD) python3 strace maildrop dovecot-core \
             nfs-ganesha nfs-ganesha-vfs postfix dovecot-lmtpd
DEPS_FUZZ = $(DEPS_BUILD) clang-14 libclang-rt-14-dev

UTIL = util/status.c util/io.c util/file.c util/log.c util/clock.c \
       util/registry.c util/conf.c util/path.c
STORE = store/backend.c store/local.c store/nfs.c store/lock.c \
        store/quota.c store/mdname.c store/maildir.c
# Events: the event and the outbox, built into both programs (lda links
# jansson and libuuid only).
EVENT = event/rfc2047.c event/addr.c event/event.c event/outbox.c
# The daemon alone links libcurl and OpenSSL (their start-up cost would
# be paid by every delivery).  Every file of notify/ but main()'s is
# its part, so a new notifier needs only its file and its line in
# notify/registry.c.
NOTIFYD = $(sort $(filter-out notify/notifyd.c,$(wildcard notify/*.c)))
# lda-notifyd links util/ and event/ and its own parts, never lda/ or
# store/.
NOTIFYD_OBJ = $(NOTIFYD:%.c=$(B)/obj/%.o) \
              $(UTIL:%.c=$(B)/obj/%.o) $(EVENT:%.c=$(B)/obj/%.o)
LDA = lda/config.c lda/recipient.c lda/template.c lda/message.c \
      lda/header.c lda/privs.c lda/userdb.c lda/userdb_passwd.c \
      lda/userdb_tcp.c lda/stop.c lda/setup.c lda/trace.c lda/tell.c \
      lda/filter.c lda/deliver.c
# lda-lmtpd: its front end; the delivery core is liblda.a's.
LMTP = $(sort $(filter-out lmtp/main.c,$(wildcard lmtp/*.c)))
LMTP_OBJ = $(LMTP:%.c=$(B)/obj/%.o)
# Sieve: the interpreter, in the delivery core of both front ends;
# sieve/main.c is lda-sieve, the tool that checks and tries scripts.
SIEVE = $(sort $(filter-out sieve/main.c,$(wildcard sieve/*.c)))
LIB_SRC = $(UTIL) $(STORE) $(EVENT) $(SIEVE) $(LDA)
LIB_OBJ = $(LIB_SRC:%.c=$(B)/obj/%.o)

UNIT = config recipient template message header mdname quota lock backend \
       rfc2047 addr event userdb_passwd userdb_tcp \
       $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_sieve_*.c))
UNIT_BIN = $(UNIT:%=$(B)/tests/unit/test_%)
# Unit tests of the daemon's parts, and of lda-lmtpd's.
UNITD = sign endpoint
UNITD_BIN = $(UNITD:%=$(B)/tests/unit/test_%)
UNITL = spool
UNITL_BIN = $(UNITL:%=$(B)/tests/unit/test_%)

EVENT_LIBS = $(shell $(PKG_CONFIG) --libs jansson uuid 2>/dev/null || \
               echo -ljansson -luuid)
# lda takes jansson and libuuid from their static archives: loading two
# more shared libraries cost each delivery about 85 us (some 7%), and
# one process starts per message.
LDA_LIBS = -Wl,-Bstatic $(EVENT_LIBS) -Wl,-Bdynamic
NOTIFYD_LIBS = $(EVENT_LIBS) $(shell $(PKG_CONFIG) --libs libcurl libcrypto \
                 2>/dev/null || echo -lcurl -lcrypto)

.PHONY: all check demo bench install clean deps-build deps-check \
        deps-bench deps-fuzz unit compat-libnfs6 fuzz fuzz-run

all: $(B)/lda $(B)/lda-notifyd $(B)/lda-lmtpd $(B)/lda-sieve

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/store/nfs.o: ALL_CFLAGS += $(NFS_CFLAGS)

$(B)/liblda.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/lda: $(B)/obj/lda/main.o $(SAN_OBJ) $(B)/liblda.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDA_LIBS)

$(B)/lda-lmtpd: $(B)/obj/lmtp/main.o $(LMTP_OBJ) $(SAN_OBJ) $(B)/liblda.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDA_LIBS)

$(B)/lda-sieve: $(B)/obj/sieve/main.o $(SAN_OBJ) $(B)/liblda.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDA_LIBS)

$(B)/lda-notifyd: $(B)/obj/notify/notifyd.o $(NOTIFYD_OBJ) $(SAN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(NOTIFYD_LIBS)

# Unit tests: cmocka, reporting TAP to prove(1).
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

$(B)/tests/unit/test_%: tests/unit/test_%.c $(SAN_OBJ) $(B)/liblda.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< $(SAN_OBJ) \
	    $(B)/liblda.a $(CMOCKA_LIBS) $(LDA_LIBS)

$(UNITL_BIN): $(B)/tests/unit/test_%: tests/unit/test_%.c $(SAN_OBJ) \
    $(LMTP_OBJ) $(B)/liblda.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< $(SAN_OBJ) \
	    $(LMTP_OBJ) $(B)/liblda.a $(CMOCKA_LIBS) $(LDA_LIBS)

$(UNITD_BIN): $(B)/tests/unit/test_%: tests/unit/test_%.c $(SAN_OBJ) \
    $(NOTIFYD_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< $(SAN_OBJ) \
	    $(NOTIFYD_OBJ) $(CMOCKA_LIBS) $(NOTIFYD_LIBS)

# The fault-injection shims (libc calls, libnfs calls) are never built
# with sanitizers.
build/fault%.so: tests/fault/fault%.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -shared -fPIC -o $@ $< -ldl

# Debian 12 has only libnfs 4: the driver's libnfs 6 (LIBNFS_API_V2)
# branch is compiled against the 6.x declarations it uses.
compat-libnfs6:
	$(CC) $(ALL_CFLAGS) -fsyntax-only -Itests/compat/libnfs6 \
	    -DLDA_LIBNFS_MAJOR=6 store/nfs.c

# deps-*: install missing Debian packages when root; otherwise say what
# is missing and go on (a developer may have them already).
deps-build deps-check deps-bench deps-fuzz: deps-%:
	@sh tests/deps.sh $(DEPS_$(shell echo $* | tr a-z A-Z))

unit: $(UNIT_BIN) $(UNITD_BIN) $(UNITL_BIN)
	CMOCKA_MESSAGE_OUTPUT=TAP prove -e '' $(UNIT_BIN) $(UNITD_BIN) \
	    $(UNITL_BIN)

# One prove run: the cmocka programs speak TAP, the scripts are TAP.
check: deps-check
	$(MAKE) $(B)/lda $(B)/lda-notifyd $(B)/lda-lmtpd $(B)/lda-sieve $(UNIT_BIN) \
	    $(UNITD_BIN) $(UNITL_BIN) build/faultfs.so build/faultnfs.so compat-libnfs6
	LDA=$(CURDIR)/$(B)/lda NOTIFYD=$(CURDIR)/$(B)/lda-notifyd \
	LMTPD=$(CURDIR)/$(B)/lda-lmtpd LDA_SIEVE=$(CURDIR)/$(B)/lda-sieve \
	FAULTFS=$(CURDIR)/build/faultfs.so \
	FAULTNFS=$(CURDIR)/build/faultnfs.so \
	CMOCKA_MESSAGE_OUTPUT=TAP prove -e '' $(PROVE_FLAGS) \
	    $(UNIT_BIN) $(UNITD_BIN) $(UNITL_BIN) tests/t[0-9]*.sh

demo: deps-build
	$(MAKE) $(B)/lda
	@sh demo/run.sh $(B)/lda

# Always the optimised build, never the sanitizer one.
bench: deps-bench
	$(MAKE) SANITIZE= build/lda build/lda-notifyd build/lda-lmtpd build/lda-sieve \
	    build/liblda.a
	@CC='$(CC)' CFLAGS='$(CFLAGS)' bash bench/run.sh build/lda

# Fuzzing: one libFuzzer harness per parser (tests/fuzz/), built with
# clang, the library too, apart in build/fuzz/ (lda itself stays built
# as above).  fuzz-run runs each for FUZZ_SECONDS over a scratch copy of
# its seeds under build/fuzz/run/ and fails on any crash, leak or UB.
# clang, unlike gcc, warns of the printf-like functions that hand their
# va_list on (status.c, log.c): gcc checks their callers' formats.
FUZZ_CC = clang-14
FUZZ_SECONDS ?= 10
FUZZ = header message recipient template rfc2047 addr config \
       userdb_passwd userdb_tcp endpoint secrets quota mdname event lmtp \
       sieve sieve_run sieve_mime
FUZZ_BIN = $(FUZZ:%=build/fuzz/fuzz_%)
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) \
              -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -Wno-format-nonliteral
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o) $(NOTIFYD:%.c=build/fuzz/obj/%.o) \
           $(LMTP:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/obj/store/nfs.o: FUZZ_CFLAGS += $(NFS_CFLAGS)

build/fuzz/liblda.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) \
    build/fuzz/liblda.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    build/fuzz/liblda.a $(NOTIFYD_LIBS)

fuzz: deps-fuzz
	$(MAKE) $(FUZZ_BIN)

fuzz-run: fuzz
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

install: $(B)/lda $(B)/lda-notifyd $(B)/lda-lmtpd $(B)/lda-sieve
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(B)/lda $(DESTDIR)$(SBINDIR)/lda
	install -m 755 $(B)/lda-notifyd $(DESTDIR)$(SBINDIR)/lda-notifyd
	install -m 755 $(B)/lda-lmtpd $(DESTDIR)$(SBINDIR)/lda-lmtpd
	install -m 755 $(B)/lda-sieve $(DESTDIR)$(SBINDIR)/lda-sieve
	install -m 644 man/lda-notifyd.8 $(DESTDIR)$(MANDIR)/man8/lda-notifyd.8
	install -m 644 man/lda-lmtpd.8 $(DESTDIR)$(MANDIR)/man8/lda-lmtpd.8
	install -m 644 man/lda.8 $(DESTDIR)$(MANDIR)/man8/lda.8
	install -m 644 man/lda.conf.5 $(DESTDIR)$(MANDIR)/man5/lda.conf.5
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/lda-sieve.1 $(DESTDIR)$(MANDIR)/man1/lda-sieve.1

clean:
	rm -rf build demo/Maildir demo/outbox

-include $(LIB_OBJ:.o=.d) $(NOTIFYD_OBJ:.o=.d) $(LMTP_OBJ:.o=.d) \
    $(B)/obj/lda/main.d $(B)/obj/lmtp/main.d $(B)/obj/sieve/main.d \
    $(B)/obj/notify/notifyd.d $(FUZZ_OBJ:.o=.d)
