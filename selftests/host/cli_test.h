/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run `tcpteach ARGS...` in a forked child (the library's tcpteach_main,
 * so the sanitizer build checks it too) and collect its exit code,
 * standard output and standard error.  Tests run from the repository
 * root (selftests/run_all.sh does), where the fixtures are.
 */
#ifndef CLI_TEST_H
#define CLI_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

#define DATA "selftests/host/data"

struct cli_out {
	int rc;
	char out[1 << 17];
	char err[1 << 14];
};

static inline void cli_slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;

	lseek(fd, 0, SEEK_SET);
	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

/* The child's standard input; NULL is /dev/null. */
static const char *cli_stdin_path;

/* argv is NULL-terminated and starts after "tcpteach". */
static inline int cli_call(struct cli_out *o, const char *const *args)
{
	char outp[] = "/tmp/cli-out.XXXXXX", errp[] = "/tmp/cli-err.XXXXXX";
	const char *argv[64];
	int fo = mkstemp(outp), fe = mkstemp(errp), argc = 0, status;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	unlink(outp);
	unlink(errp);
	argv[argc++] = "tcpteach";
	while (*args && argc < 63)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int in = open(cli_stdin_path ? cli_stdin_path : "/dev/null",
			      O_RDONLY);

		dup2(in, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		status = tcpteach_main(argc, (char **)argv);
		fflush(NULL);
		_exit(status & 0xff);
	}
	waitpid(pid, &status, 0);
	o->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	cli_slurp(fo, o->out, sizeof(o->out));
	cli_slurp(fe, o->err, sizeof(o->err));
	return o->rc;
}

#define CLI(o, ...) ({ const char *const _a[] = { __VA_ARGS__, NULL }; \
			cli_call(o, _a); })

static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static inline int file_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

#endif
