# SPDX-License-Identifier: GPL-2.0
#
# splicelb: the kernel module (built out of tree through Kbuild) and the
# userspace programs.  "make help" lists the targets.

VERSION := 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SPLICELB_CACHE ?= $(HOME)/.cache/splicelb
export SPLICELB_CACHE

# The running kernel's build tree when there is one (a real gateway host),
# otherwise the newest test kernel fetched by scripts/deps.sh.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(lastword $(sort $(wildcard \
	  $(SPLICELB_CACHE)/kernels/*/usr/src/linux-headers-*-amd64))))
KERNELS ?= 6.1 6.12 6.12-debug
TESTS ?=
FUZZ_RUNS ?= 10000000

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
MAKEFLAGS += --no-print-directory
endif

O := build
BIN := $(O)/bin

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -MMD -MP \
	  -Iinclude -Ilib -Iuserspace/common -DSLB_VERSION='"$(VERSION)"' \
	  -D_GNU_SOURCE
LDLIBS_lbctl := -lmnl

LIB_SRCS := $(wildcard lib/*.c)
COMMON_SRCS := $(wildcard userspace/common/*.c)
PROGRAMS := $(notdir $(patsubst %/,%,$(filter-out userspace/common/ \
	    userspace/tools/,$(wildcard userspace/*/))))
TOOLS := $(basename $(notdir $(wildcard userspace/tools/*.c)))
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
MANPAGES := $(wildcard Documentation/*.8)

objs = $(patsubst %.c,$(O)/obj/%.o,$(1))

.PHONY: all module userspace unit check demo vm-shell install clean help \
	deps style sparse bench bench-quick bench-sched check-debug fuzz-proxy

all: module userspace

help:
	@echo 'targets: all module userspace unit check check-debug demo vm-shell'
	@echo '         install clean fuzz-proxy'
	@echo '         deps style sparse bench bench-quick bench-sched'
	@echo 'variables: KDIR= KERNELS="$(KERNELS)" TESTS= PREFIX= DESTDIR= V=1'
	@echo '           FUZZ_RUNS=$(FUZZ_RUNS)'

deps:
	$(Q)scripts/deps.sh

# ---- kernel module -------------------------------------------------------

module:
	$(Q)scripts/build-module.sh "$(KDIR)" "$(VERSION)" $(if $(W),W=$(W)) \
		$(if $(C),C=$(C))

sparse:
	$(Q)for k in $(KERNELS); do scripts/build-module.sh \
		"$$(scripts/kdir.sh $$k)" "$(VERSION)" C=2 W=1 || exit; done

style:
	$(Q)scripts/checkpatch.sh

# ---- userspace -----------------------------------------------------------

userspace: $(addprefix $(BIN)/,$(PROGRAMS) $(TOOLS))

$(O)/obj/%.o: %.c
	$(quiet) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

define program_rule
$(BIN)/$(1): $(call objs,$(wildcard userspace/$(1)/*.c) $(COMMON_SRCS) \
	     $(LIB_SRCS))
	$$(quiet) LD $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS_$(1)) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(BIN)/%: $(O)/obj/userspace/tools/%.o $(call objs,$(COMMON_SRCS) $(LIB_SRCS))
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lpthread

# ---- tests ---------------------------------------------------------------

$(O)/unit/%: $(O)/obj/tests/unit/%.o $(call objs,$(COMMON_SRCS) $(LIB_SRCS))
	$(quiet) LD $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka

unit: $(addprefix $(O)/unit/,$(UNIT_TESTS))
	$(Q)scripts/run-unit.sh $^

# The PROXY header reader under libFuzzer.  It runs on a copy of the seeds
# in build/, where what it finds accumulates from one run to the next.
$(O)/fuzz/fuzz_proxy: tests/fuzz/fuzz_proxy.c tests/fuzz/fuzz.h lib/proxy.c \
		      lib/proxy.h lib/hex.h lib/slb_types.h
	$(quiet) FUZZ $@
	@mkdir -p $(dir $@)
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -DPROXY_FUZZ_LIBFUZZER -Iinclude \
		-Ilib -o $@ tests/fuzz/fuzz_proxy.c lib/proxy.c

fuzz-proxy: $(O)/fuzz/fuzz_proxy
	@mkdir -p $(O)/fuzz/corpus_proxy
	$(Q)cp tests/fuzz/corpus_proxy/* $(O)/fuzz/corpus_proxy/
	$(Q)$(O)/fuzz/fuzz_proxy -runs=$(FUZZ_RUNS) -print_final_stats=1 \
		$(O)/fuzz/corpus_proxy

check:
	$(Q)KERNELS="$(KERNELS)" TESTS="$(TESTS)" scripts/check.sh

# The whole VM suite on the debug kernel alone (KASAN, lockdep, kmemleak).
check-debug:
	$(Q)KERNELS=6.12-debug TESTS="$(TESTS)" DEBUG_FULL=1 SKIP_UNIT=1 \
		SKIP_NATIVE=1 SKIP_STYLE=1 SKIP_BENCH=1 scripts/check.sh

demo:
	$(Q)scripts/demo.sh

# K=6.1 benchmarks on the other kernel of the matrix (default 6.12).
bench:
	$(Q)K=$(K) scripts/bench

bench-quick:
	$(Q)K=$(K) scripts/bench --quick

# ns per pick of every scheduler, natively: no VM.
bench-sched: $(BIN)/schedbench
	$(Q)$(BIN)/schedbench

vm-shell:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) userspace
	$(Q)K=$(or $(K),6.12); \
	  scripts/build-module.sh "$$(scripts/kdir.sh $$K)" "$(VERSION)" && \
	  scripts/vm --kernel $$K --shell

# ---- install -------------------------------------------------------------

install: all
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)/$$(scripts/module-dir.sh "$(KDIR)")" \
		INSTALL_MOD_DIR=extra $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		modules_install
	depmod $(if $(DESTDIR),-b "$(DESTDIR)") \
		"$$(scripts/kernel-release.sh "$(KDIR)")"
	install -d "$(DESTDIR)$(SBINDIR)" "$(DESTDIR)$(MANDIR)/man8"
	install -m 0755 $(addprefix $(BIN)/,$(PROGRAMS)) "$(DESTDIR)$(SBINDIR)"
	$(if $(MANPAGES),install -m 0644 $(MANPAGES) "$(DESTDIR)$(MANDIR)/man8")

clean:
	rm -rf $(O)

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
