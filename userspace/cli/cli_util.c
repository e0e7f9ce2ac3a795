// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the tcpteach subcommands. */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/num.h"

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpteach: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const char *cli_proc_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("TCPTEACH_PROC_DIR");

	snprintf(buf, len, "%s/%s", dir && *dir ? dir : "/proc/net", name);
	return buf;
}

const char *cli_sys_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("TCPTEACH_SYS_DIR");

	snprintf(buf, len, "%s/%s", dir && *dir ? dir : "/sys/module/tcp_teach",
		 name);
	return buf;
}

int cli_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	/* fopen() succeeds on a directory; only the read fails (EISDIR) */
	if (ferror(f)) {
		int saved = errno;

		fclose(f);
		errno = saved;
		return -1;
	}
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int cli_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t len = strlen(s);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

int cli_self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int cli_which(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(prog, '/')) {
		snprintf(buf, len, "%s", prog);
		return access(buf, X_OK) == 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		snprintf(buf, len, "%.*s/%s", (int)(end - p), p, prog);
		if (access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

int cli_run(int netns_fd, int quiet, const char *const argv[])
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long long v;

	if (parse_ull(s, max, &v))
		return -1;
	*out = (unsigned long)v;
	return 0;
}

int cli_parse_port(const char *cmd, const char *s, long *port)
{
	unsigned long long v;

	/* 0 would be "every port" to the module: say so, do not guess */
	if (parse_ull(s, 65535, &v) || v == 0) {
		cli_err("%s: bad --port '%s': expected 1..65535 (for every port leave --port out)",
			cmd, s);
		return -1;
	}
	*port = (long)v;
	return 0;
}

int cli_netns_open(const char *cmd, const char *netns)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(netns, '/'))
		snprintf(path, sizeof(path), "%s", netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		cli_err("%s: network namespace '%s' not found (%s: %s); see 'ip netns list'",
			cmd, netns, path, strerror(errno));
	return fd;
}

int cli_netns_setns(const char *cmd, const char *netns, int fd)
{
	if (setns(fd, CLONE_NEWNET)) {
		cli_err("%s: cannot enter network namespace '%s': %s%s", cmd,
			netns, strerror(errno),
			errno == EPERM ? " (needs root)" : "");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int cli_netns_enter(const char *cmd, const char *netns)
{
	int fd = cli_netns_open(cmd, netns);

	return fd < 0 ? -1 : cli_netns_setns(cmd, netns, fd);
}

void cli_netns_hint(const char *cmd)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int named = 0;

	/* only when there is a named namespace to point at */
	while (d && (e = readdir(d)))
		named |= e->d_name[0] != '.';
	if (d)
		closedir(d);
	if (named)
		cli_err("%s: the flow may be in another network namespace: try --netns NAME (see 'ip netns list')",
			cmd);
}

volatile sig_atomic_t cli_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void cli_catch_stop(int also_sigint)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: poll() returns */
	cli_stop = 0;
	sigaction(SIGTERM, &sa, NULL);
	if (also_sigint)
		sigaction(SIGINT, &sa, NULL);
}

void cli_release_stop(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

int cli_algo_available(const char *algo)
{
	char avail[1024];

	if (cli_read_file("/proc/sys/net/ipv4/tcp_available_congestion_control",
			  avail, sizeof(avail)))
		return 0;
	return word_in(avail, algo);
}

void cli_print_available(void)
{
	char avail[1024] = "";

	cli_read_file("/proc/sys/net/ipv4/tcp_available_congestion_control",
		      avail, sizeof(avail));
	fprintf(stderr, "tcpteach: available algorithms: %s", avail);
	if (!word_in(avail, "teach_reno"))
		fprintf(stderr, "%s" TEACH_ALGOS " (module tcp_teach)",
			*avail ? " " : "");
	fputc('\n', stderr);
}

int cli_load_module(void)
{
	static const char *const modprobe[] = { "modprobe", "tcp_teach", NULL };
	char dir[PATH_MAX], ko[PATH_MAX + 32];
	const char *insmod[] = { "insmod", ko, NULL };

	if (access("/sys/module/tcp_teach", F_OK) == 0)
		return 0;
	if (cli_run(-1, 1, modprobe) == 0)
		return 0;
	/* A build tree: build/tcpteach next to ../tcp_teach.ko. */
	if (cli_self_dir(dir, sizeof(dir)) == 0) {
		snprintf(ko, sizeof(ko), "%s/../tcp_teach.ko", dir);
		if (access(ko, R_OK) == 0 && cli_run(-1, 1, insmod) == 0)
			return 0;
	}
	return -1;
}
