# SPDX-License-Identifier: GPL-2.0
#
# tcpteach: `make` builds tcp_teach.ko and the userspace programs.
# `make check` runs every test (host and in-VM); see README.md.

CACHE ?= /var/cache/tcpteach
# The kernel the VM boots (written by selftests/vm/install-deps.sh).
VM_KVER := $(shell cat $(CACHE)/kernel-abi 2>/dev/null)

# Headers: KDIR= wins; else those of the VM's kernel; else the running one.
ifeq ($(KDIR),)
  ifneq ($(VM_KVER),)
    ifneq ($(wildcard /usr/src/linux-headers-$(VM_KVER)),)
      KDIR := /usr/src/linux-headers-$(VM_KVER)
    endif
  endif
endif
KDIR ?= /lib/modules/$(shell uname -r)/build
# The release the headers are for (Debian's kernel.release file differs).
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# kselftest_harness.h and checkpatch.pl, extracted from linux-source-6.1.
KSRC ?= $(CACHE)/linux-source-6.1
KSFT := $(KSRC)/tools/testing/selftests

PREFIX ?= /usr/local
B := build

CC ?= gcc
CFLAGS ?= -O2 -g
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Ikmod -Iuserspace $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# Everything in userspace/ except the command's main() is a library that
# the command, the host tests and the fuzzers link.
LIB_SRCS := kmod/teach_cc.c $(filter-out userspace/cli/main.c, \
	$(wildcard userspace/lib/*.c userspace/ttp/*.c userspace/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
SAN_OBJS := $(LIB_SRCS:%.c=$(B)/san/%.o)
HOST_TESTS := $(patsubst selftests/host/%.c,%,$(wildcard selftests/host/test_*.c))
KSFT_C := $(patsubst selftests/kernel/%.c,%,$(wildcard selftests/kernel/*.c))
LDLIBS := -lm

.PHONY: all module modules-matrix userspace kselftests host-tests check check-host check-vm \
	debug-kernel debug-module check-debug \
	demo docs-demo compare docs-compare docs bench fuzz checkpatch install uninstall clean deps shell docs-kernel

all: module userspace kselftests

deps:
	selftests/vm/install-deps.sh

# Debian's headers name the compiler their kernel was built with (gcc-10
# for bullseye's 5.10); where that one is missing, the default gcc builds.
KCC_RE := s/^CC = .*)\(gcc-[0-9]*\)$$/\1/p
KCC_WANT = $(shell sed -n '$(KCC_RE)' $(KDIR)/.kernelvariables 2>/dev/null)
KCC = $(if $(KCC_WANT),$(if $(shell command -v x86_64-linux-gnu-$(KCC_WANT)),,CC=gcc))

# KVER=LABEL builds for one kernel of the matrix (selftests/vm/kernels.sh:
# 5.10 6.1 6.12 7.x) into build/kernels/LABEL/; `make modules-matrix`
# builds for each (KERNELS="..." for some).
module:
ifneq ($(KVER),)
	selftests/vm/build-module.sh $(KVER) $(if $(W),W=$(W))
else
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR):" \
		"run 'make deps' or pass KDIR=/path/to/headers" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KCC) modules
endif

modules-matrix:
	@for k in $(or $(KERNELS),$(shell bash -c '. selftests/vm/kernels.sh && kernel_labels')); do \
		selftests/vm/build-module.sh $$k $(if $(W),W=$(W)) || exit 1; done

userspace: $(B)/tcpteach $(B)/libtcpteach_preload.so

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/libtcpteach.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/libtcpteach-san.a: $(SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/tcpteach: $(B)/obj/userspace/cli/main.o $(B)/libtcpteach.a
	$(CC) $(USER_CFLAGS) -o $@ $^ $(LDLIBS)

# LD_PRELOAD shim for `tcpteach run --cc ALGO -- COMMAND`.
$(B)/libtcpteach_preload.so: userspace/preload/tcpteach_preload.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -shared -o $@ $< -ldl

# Host unit tests: plain and under ASan+UBSan.
$(B)/tests/%: selftests/host/%.c $(B)/libtcpteach.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -isystem $(KSFT) -o $@ $^ $(LDLIBS)

$(B)/tests-san/%: selftests/host/%.c $(B)/libtcpteach-san.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -isystem $(KSFT) -o $@ $^ $(LDLIBS)

host-tests: $(HOST_TESTS:%=$(B)/tests/%) $(HOST_TESTS:%=$(B)/tests-san/%)

# In-VM kselftests (C with kselftest_harness.h); shell tests run as they are.
$(B)/kselftests/%: selftests/kernel/%.c selftests/kernel/*.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Ikmod \
		-isystem $(KSFT) -o $@ $< -lpthread

kselftests: $(KSFT_C:%=$(B)/kselftests/%)

# KERNELS="6.1 7.x" runs the kernel part on some kernels of the matrix.
check: all host-tests
	KERNELS="$(KERNELS)" selftests/run_all.sh

check-host: host-tests
	selftests/run_all.sh --host-only

check-vm: all
	KERNELS="$(KERNELS)" selftests/run_all.sh --vm-only

# `make demo` writes under build/demo; the figures in docs/demo/ change
# only when asked for with `make docs-demo`.
demo: all
	@mkdir -p $(B)/demo
	selftests/vm/run-vm.sh -- $(CURDIR)/$(B)/tcpteach demo -o $(CURDIR)/$(B)/demo
	@echo "demo: figure and traces in $(B)/demo/ (refresh docs/demo/ with 'make docs-demo')"

# An interactive shell in the test VM, tcp_teach.ko loaded, the repository
# at its own path; KERNEL=LABEL (or KVER=) boots another kernel of the matrix.
SHELL_KERNEL = $(or $(KERNEL),$(KVER))
shell: userspace
	$(if $(SHELL_KERNEL),selftests/vm/build-module.sh $(SHELL_KERNEL) -s,$(MAKE) module)
	selftests/vm/run-vm.sh --shell $(if $(SHELL_KERNEL),--kernel $(SHELL_KERNEL))

# The kernel-side examples of docs/cli.md and the man page, from a run in
# the VM (their shape is checked by selftests/kernel/cli_docs_kernel.sh).
docs-kernel: all
	selftests/vm/run-vm.sh -- python3 $(CURDIR)/docs/kernel-examples.py run \
		$(CURDIR)/$(B)/docs-kernel.json
	docs/kernel-examples.py write $(B)/docs-kernel.json

docs-demo: all
	selftests/vm/run-vm.sh -- $(CURDIR)/$(B)/tcpteach demo -o $(CURDIR)/docs/demo

# `make compare ARGS="teach_reno cubic --loss 1"`: `tcpteach compare` in
# the VM (a kernel algorithm built as a module, e.g. bbr, is loaded there
# first), its run directory under build/compare; `make docs-compare`
# refreshes the README's figure in docs/compare/.
COMPARE_ARGS = $(or $(ARGS),teach_reno teach_tahoe cubic)
DOCS_COMPARE_ARGS = --rate 10 --loss 0.5 teach_reno teach_tahoe cubic bbr
COMPARE_VM = selftests/vm/run-vm.sh -- sh -c 'cd $(CURDIR) && for a in $(1); do \
	case $$a in -*|teach_*) ;; *) modprobe -q tcp_$$a 2>/dev/null ;; esac; \
	done; exec $(B)/tcpteach compare -o $(2) $(1)'
compare: all
	@mkdir -p $(B)/compare
	$(call COMPARE_VM,$(COMPARE_ARGS),$(B)/compare)
	@echo "compare: run directory $(B)/compare/ (draw it again: $(B)/tcpteach plot $(B)/compare)"

docs-compare: all
	$(call COMPARE_VM,$(DOCS_COMPARE_ARGS),docs/compare)

# The examples in the docs, from real runs (sim: deterministic, so
# `make check` compares them; see docs/examples.sh).
docs: userspace
	docs/examples.sh docs/ttp.md README.md

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, KFENCE), cached, and
# the kselftests on it.  Not part of `make check`: see README.md.
DEBUG_KDIR := $(CACHE)/debug/src

debug-kernel:
	selftests/vm/build-debug-kernel.sh

# tcp_teach.ko for the debug kernel, built apart from the regular one.
debug-module: debug-kernel
	@mkdir -p $(B)/debug-mod
	cp Kbuild $(B)/debug-mod/
	@mkdir -p $(B)/debug-mod/kmod
	cp kmod/*.c kmod/*.h $(B)/debug-mod/kmod/
	$(MAKE) -C $(DEBUG_KDIR) M=$(CURDIR)/$(B)/debug-mod modules

check-debug: debug-module kselftests
	TCPTEACH_VM_DEBUG=1 TCPTEACH_VM_TIMEOUT=$${TCPTEACH_VM_TIMEOUT:-3600} \
		selftests/run_all.sh --vm-only

checkpatch:
	$(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse -f kmod/*.c kmod/*.h

# The module is copied, not modules_install'ed: Debian's kernels sign
# every installed module and would complain of the missing key (see
# README, Secure Boot).  With DESTDIR (packaging) depmod is left to the
# package's scripts.
MOD_DIR = $(DESTDIR)/lib/modules/$(KREL)/extra
install: module userspace
	@test -n "$(KREL)" || { echo "cannot tell the kernel release of $(KDIR)" \
		"(no include/generated/utsrelease.h): pass KDIR=" >&2; exit 1; }
	install -D -m 0644 tcp_teach.ko $(MOD_DIR)/tcp_teach.ko
	$(if $(DESTDIR),,depmod -a $(KREL))
	install -D -m 0755 $(B)/tcpteach $(DESTDIR)$(PREFIX)/bin/tcpteach
	install -D -m 0755 $(B)/libtcpteach_preload.so \
		$(DESTDIR)$(PREFIX)/lib/tcpteach/libtcpteach_preload.so
	install -D -m 0644 userspace/tcpteach.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/tcpteach.1

uninstall:
	@test -n "$(KREL)" || { echo "cannot tell the kernel release of $(KDIR):" \
		"pass KDIR=" >&2; exit 1; }
	rm -f $(MOD_DIR)/tcp_teach.ko
	-rmdir $(MOD_DIR) 2>/dev/null
	$(if $(DESTDIR),,depmod -a $(KREL))
	rm -f $(DESTDIR)$(PREFIX)/bin/tcpteach \
		$(DESTDIR)$(PREFIX)/lib/tcpteach/libtcpteach_preload.so \
		$(DESTDIR)$(PREFIX)/share/man/man1/tcpteach.1
	-rmdir $(DESTDIR)$(PREFIX)/lib/tcpteach 2>/dev/null

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# --- benchmarks ---
# `make bench` runs selftests/bench/run.sh in the VM (~50 min, results in
# docs/bench/); `make bench BENCH_QUICK=1` is a smoke run of a few minutes
# (results in build/bench-quick/).
# BENCH_ARGS is passed to run.sh, e.g. BENCH_ARGS="--parts profile" or
# BENCH_ARGS="--out build/gap --parts matrix -- --reps 4 --secs 20".
BENCH_QUICK ?=
BENCH_ARGS ?=
.PHONY: bench
bench: all
	selftests/vm/run-vm.sh --timeout 5400 -- $(CURDIR)/selftests/bench/run.sh \
		$(if $(filter-out 0,$(BENCH_QUICK)),--quick) $(BENCH_ARGS)

# --- teaching transport ---
# libFuzzer targets for the segment parser, the connection state machine
# and the TUN link's packet path (IPv4, TCP, RST); `make fuzz` builds them and
# runs each briefly on a copy of the seed corpus (FUZZ_RUNS=... to run
# longer; FUZZ_RUNS=-1 FUZZ_SECONDS=600 runs each for ten minutes).
FUZZ_CC ?= clang
FUZZ_RUNS ?= 20000
FUZZ_SECONDS ?= 0
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Ikmod -Iuserspace \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIB := kmod/teach_cc.c userspace/lib/trace.c userspace/lib/format.c \
	userspace/lib/num.c userspace/ttp/segment.c userspace/ttp/stream.c \
	userspace/ttp/rtt.c userspace/ttp/receiver.c userspace/ttp/sender.c \
	userspace/ttp/conn.c userspace/ttp/listener.c userspace/ttp/ipv4.c \
	userspace/ttp/io.c userspace/ttp/pcap.c

$(B)/fuzz/%: selftests/fuzz/%.c $(FUZZ_LIB) userspace/ttp/*.h kmod/teach_cc.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB)

fuzz: $(B)/fuzz/fuzz_segment $(B)/fuzz/fuzz_conn $(B)/fuzz/fuzz_ipv4
	@for t in segment conn ipv4; do \
		rm -rf $(B)/fuzz/corpus_$$t && \
		cp -r selftests/fuzz/corpus_$$t $(B)/fuzz/corpus_$$t && \
		$(B)/fuzz/fuzz_$$t -runs=$(FUZZ_RUNS) \
			-max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus_$$t \
			2>$(B)/fuzz/fuzz_$$t.log || \
		{ tail -40 $(B)/fuzz/fuzz_$$t.log; exit 1; }; \
		echo "fuzz_$$t: $$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) .*/\1 runs in \2 s/p' \
			$(B)/fuzz/fuzz_$$t.log), no crash"; \
	done
