# xsweep — build, test, demo, install.
# Every src/<stage>/*.c is part of the library; src/cli/main.c is the program.
# `make MODE=asan` (or `make asan`) builds into build/asan with ASan+UBSan.

MODE    ?= release
PREFIX  ?= /usr/local
BUILD   := build/$(MODE)
CC      ?= cc

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DATADIR ?= $(abspath data)
CFLAGS_COMMON := -std=c17 -D_GNU_SOURCE -Iinclude -pthread -g $(WARN) \
                 -DXS_DATADIR='"$(DATADIR)"'

ifeq ($(MODE),asan)
  CFLAGS_MODE := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS_MODE := -fsanitize=address,undefined
  ALLOC_LIB :=
else
  CFLAGS_MODE := -O2
  LDFLAGS_MODE :=
  ALLOC_LIB := -ljemalloc
endif

CFLAGS  += $(CFLAGS_COMMON) $(CFLAGS_MODE)
LDLIBS  := -lpcap -lnet -lssl -lcrypto -lpcre2-8 -ljansson -lsqlite3 -lseccomp $(ALLOC_LIB) -lpthread -lm

MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(wildcard src/*/*.c))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
MAIN_OBJ := $(BUILD)/obj/cli/main.o
LIB      := $(BUILD)/libxsweep.a
DEPS     := $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all test unit integration asan demo install clean fuzz bench

all: xsweep

xsweep: $(BUILD)/xsweep
	@if [ "$(MODE)" = release ]; then cp --remove-destination $< $@; fi

$(BUILD)/xsweep: $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(LDFLAGS_MODE) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDFLAGS_MODE) -lcmocka $(LDLIBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

integration: xsweep
	bash tests/integration/run-all.sh

test: unit integration
	@echo "make test: all unit and integration tests passed"

# ASan + UBSan: the unit tests, then the whole integration suite against the sanitized binary.
asan:
	$(MAKE) MODE=asan unit
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

# The installed binary looks for its data under $(PREFIX)/share/xsweep: built apart, in build/install.
install:
	$(MAKE) MODE=install DATADIR=$(PREFIX)/share/xsweep build/install/xsweep
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/xsweep $(DESTDIR)$(PREFIX)/lib/xsweep
	install -m 0755 build/install/xsweep $(DESTDIR)$(PREFIX)/bin/xsweep
	install -m 0644 man/xsweep.1 $(DESTDIR)$(PREFIX)/share/man/man1/xsweep.1
	cp -r data/. $(DESTDIR)$(PREFIX)/share/xsweep/
	rm -f $(DESTDIR)$(PREFIX)/share/xsweep/fingerprints/.gitignore
	install -m 0755 scripts/weekly-sweep.sh $(DESTDIR)$(PREFIX)/lib/xsweep/weekly-sweep.sh
	install -m 0644 scripts/systemd/xsweep-sweep@.service scripts/systemd/xsweep-sweep@.timer \
	    scripts/xsweep.cron $(DESTDIR)$(PREFIX)/lib/xsweep/

clean:
	rm -rf build xsweep

-include $(DEPS)
