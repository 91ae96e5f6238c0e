# xsweep — build, test, demo, install.
# Every src/<stage>/*.c is part of the library; src/cli/main.c is the program.
# `make MODE=asan` (or `make asan`) builds into build/asan with ASan+UBSan.

MODE    ?= release
PREFIX  ?= /usr/local
BUILD   := build/$(MODE)
CC      ?= cc

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DATADIR ?= $(abspath data)
CFLAGS_COMMON := -std=c17 -D_GNU_SOURCE -Iinclude -I/usr/include/postgresql -pthread -g $(WARN) \
                 -DXS_DATADIR='"$(DATADIR)"'

# Release and install builds are hardened (stack protector, fortify, PIE, full RELRO).
HARDEN_CFLAGS  := -fstack-protector-strong -fPIE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now

ifeq ($(MODE),asan)
  CFLAGS_MODE := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS_MODE := -fsanitize=address,undefined
  ALLOC_LIB :=
else
  CFLAGS_MODE := -O2 $(HARDEN_CFLAGS)
  LDFLAGS_MODE := $(HARDEN_LDFLAGS)
  ALLOC_LIB := -ljemalloc
endif

CFLAGS  += $(CFLAGS_COMMON) $(CFLAGS_MODE)
LDLIBS  := -lpcap -lnet -lssl -lcrypto -lpcre2-8 -ljansson -lsqlite3 -lmnl -lgumbo -lpq -lcurl -lyaml -lseccomp $(ALLOC_LIB) -lpthread -lm
LDLIBS  += -lxdp -lbpf   # --sender xdp (AF_XDP)

MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(wildcard src/*/*.c))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
MAIN_OBJ := $(BUILD)/obj/cli/main.o
LIB      := $(BUILD)/libxsweep.a
DEPS     := $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all test unit lint format format-check integration asan asan-integration demo install clean fuzz bench print-libs

# Objects are rebuilt when the flags change (another PREFIX, CPPFLAGS, CC): make tracks files,
# not flags, so the flags live in a file that every object depends on.
FLAGS_STAMP := $(BUILD)/flags
FLAGS_NOW   := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LDFLAGS_MODE)
$(shell mkdir -p $(BUILD))
ifneq ($(file <$(FLAGS_STAMP)),$(FLAGS_NOW))
  $(file >$(FLAGS_STAMP),$(FLAGS_NOW))
endif

all: xsweep

xsweep: $(BUILD)/xsweep
	@if [ "$(MODE)" = release ]; then cp --remove-destination $< $@; fi

$(BUILD)/xsweep: $(MAIN_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LDFLAGS_MODE) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDFLAGS) $(LDFLAGS_MODE) -lcmocka $(LDLIBS)

# The libraries a program linked against libxsweep.a needs (the test and bench drivers ask here,
# so a new dependency is named once, in LDLIBS).
print-libs:
	@echo $(LDLIBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

# The man page: mandoc's style lint must print nothing, and option dashes are written \- (CI, quick).
lint: format-check
	bash scripts/man-lint.sh

# The C style is .clang-format's; `make format` applies it, `make lint` (CI) fails on any drift.
C_SOURCES = $(shell find src include tests bench -name '*.[ch]' -not -path '*/corpus/*' | sort)
format:
	@clang-format -i $(C_SOURCES)
format-check:
	@clang-format --dry-run -Werror $(C_SOURCES) && echo "format-check: $(words $(C_SOURCES)) files as .clang-format wants"

integration: xsweep
	bash tests/integration/run-all.sh

test: unit integration
	@echo "make test: all unit and integration tests passed"

# ASan + UBSan: the unit tests (CI); asan-integration adds the integration suite.
asan:
	$(MAKE) MODE=asan unit

# The whole integration suite against the sanitized binary too (long: not part of CI's run).
asan-integration:
	$(MAKE) MODE=asan build/asan/xsweep
	XSWEEP=$(abspath build/asan/xsweep) XSWEEP_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 bash tests/integration/run-all.sh

demo: xsweep
	bash scripts/demo.sh

fuzz:
	$(MAKE) -f tests/fuzz/Makefile FUZZ_S=$(or $(FUZZ_S),10) build
	$(MAKE) -f tests/fuzz/Makefile FUZZ_S=$(or $(FUZZ_S),10) regress
	$(MAKE) -j2 -k -f tests/fuzz/Makefile FUZZ_S=$(or $(FUZZ_S),10) run

bench: xsweep
	bash bench/run.sh --quick

# The installed binary looks for its data under $(PREFIX)/share/xsweep: built apart, in build/install
# (the flags stamp rebuilds it for another PREFIX). Units and scripts get the installed paths.
SUBST_PATHS = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@LIBDIR@|$(PREFIX)/lib/xsweep|g'
install:
	$(MAKE) MODE=install DATADIR=$(PREFIX)/share/xsweep build/install/xsweep
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/xsweep $(DESTDIR)$(PREFIX)/lib/xsweep
	install -m 0755 build/install/xsweep $(DESTDIR)$(PREFIX)/bin/xsweep
	install -m 0644 man/xsweep.1 $(DESTDIR)$(PREFIX)/share/man/man1/xsweep.1
	cp -r data/. $(DESTDIR)$(PREFIX)/share/xsweep/
	rm -f $(DESTDIR)$(PREFIX)/share/xsweep/fingerprints/.gitignore
	$(SUBST_PATHS) scripts/weekly-sweep.sh > $(DESTDIR)$(PREFIX)/lib/xsweep/weekly-sweep.sh
	chmod 0755 $(DESTDIR)$(PREFIX)/lib/xsweep/weekly-sweep.sh
	$(SUBST_PATHS) scripts/systemd/xsweep-sweep@.service > $(DESTDIR)$(PREFIX)/lib/xsweep/xsweep-sweep@.service
	$(SUBST_PATHS) scripts/xsweep.cron > $(DESTDIR)$(PREFIX)/lib/xsweep/xsweep.cron
	install -m 0644 scripts/systemd/xsweep-sweep@.timer $(DESTDIR)$(PREFIX)/lib/xsweep/

clean:
	rm -rf build xsweep

-include $(DEPS)
