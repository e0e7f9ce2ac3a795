// SPDX-License-Identifier: GPL-2.0
/*
 * The lab bench of `tcpteach demo` and `tcpteach compare`: anonymous
 * network namespaces (held only by our file descriptors and children, so
 * they vanish with the run however it ends), veth links between them,
 * and the processes that run inside them.  @cmd names the subcommand in
 * messages.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int link_sh(const char *cmd, int ns, const char *const argv[])
{
	int rc = cli_run(ns, 1, argv);

	if (rc != 0) {
		char line[512] = "";
		size_t off = 0;
		int i;

		for (i = 0; argv[i] && off < sizeof(line) - 1; i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off,
						"%s%s", i ? " " : "", argv[i]);
		cli_err("%s: '%s' failed (exit %d)", cmd, line, rc);
		return -1;
	}
	return 0;
}

static void link_back(const char *cmd, int orig)
{
	if (setns(orig, CLONE_NEWNET)) {
		cli_err("%s: cannot return to the original namespace: %s", cmd,
			strerror(errno));
		exit(EXIT_FAIL);
	}
}

int link_new_netns(const char *cmd, int orig)
{
	int fd;

	if (unshare(CLONE_NEWNET))
		return -1;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	link_back(cmd, orig);
	return fd;
}

int link_sysctl(const char *cmd, int ns, int orig, const char *name,
		const char *val)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (setns(ns, CLONE_NEWNET))
		return -1;
	rc = cli_write_file(path, val);
	link_back(cmd, orig);
	return rc;
}

/*
 * Keep the link a FIFO, as a wire is.  Without RPS a veth hands each
 * packet to the backlog of the CPU that sent it, so two packets sent from
 * two CPUs (the application's write and an ACK's softirq) can arrive in
 * the other order, and three places of reordering make a fast retransmit
 * nobody planned (seen in the demo, with TCPSACKReorder).  One CPU takes
 * every packet instead.  /sys/class/net shows the namespace of whoever
 * mounted sysfs, so a child mounts its own.
 */
static int link_fifo(const char *cmd, int ns, const char *dev)
{
	char path[128];
	pid_t pid = link_child_in(cmd, ns);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		snprintf(path, sizeof(path),
			 "/sys/class/net/%s/queues/rx-0/rps_cpus", dev);
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(EXIT_FAIL);
		umount2("/sys", MNT_DETACH);
		if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
		    cli_write_file(path, "1"))
			_exit(EXIT_FAIL);
		_exit(0);
	}
	if (link_wait_child(pid, 30)) {
		cli_err("%s: cannot steer %s to one CPU (rps_cpus)", cmd, dev);
		return -1;
	}
	return 0;
}

int link_veth(const char *cmd, int a, const char *name_a, const char *addr_a,
	      int b, const char *name_b, const char *addr_b)
{
	char peer[64];
	const char *const link[] = { "ip", "link", "add", name_a, "type",
		"veth", "peer", "name", name_b, "netns", peer, NULL };
	const char *const ad_a[] = { "ip", "addr", "add", addr_a, "dev",
		name_a, NULL };
	const char *const ad_b[] = { "ip", "addr", "add", addr_b, "dev",
		name_b, NULL };
	const char *const up_a[] = { "ip", "link", "set", name_a, "up", NULL };
	const char *const up_b[] = { "ip", "link", "set", name_b, "up", NULL };
	const char *const lo[] = { "ip", "link", "set", "lo", "up", NULL };
	/* no offloads: one packet on the wire is one segment */
	const char *const off_a[] = { "ethtool", "-K", name_a, "tso", "off",
		"gso", "off", "gro", "off", NULL };
	const char *const off_b[] = { "ethtool", "-K", name_b, "tso", "off",
		"gso", "off", "gro", "off", NULL };

	snprintf(peer, sizeof(peer), "/proc/%d/fd/%d", (int)getpid(), b);
	if (link_sh(cmd, a, link) || link_sh(cmd, a, ad_a) ||
	    link_sh(cmd, b, ad_b) || link_sh(cmd, a, lo) ||
	    link_sh(cmd, b, lo) || link_sh(cmd, a, off_a) ||
	    link_sh(cmd, b, off_b) || link_sh(cmd, a, up_a) ||
	    link_sh(cmd, b, up_b) || link_fifo(cmd, a, name_a) ||
	    link_fifo(cmd, b, name_b))
		return -1;
	return 0;
}

pid_t link_child_in(const char *cmd, int ns)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid != 0)
		return pid;
	/* a child must not keep the namespaces alive after its parent */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_FAIL);
	if (setns(ns, CLONE_NEWNET)) {
		cli_err("%s: setns: %s", cmd, strerror(errno));
		_exit(EXIT_FAIL);
	}
	return 0;
}

int link_wait_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char ch;

	if (poll(&p, 1, 10000) != 1 || read(fd, &ch, 1) != 1)
		return -1;
	return 0;
}

int link_wait_child(pid_t pid, double timeout)
{
	double end = cli_now() + timeout;
	int status;

	while (cli_now() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int link_tools(const char *cmd, const char *const tools[][2], int n)
{
	char path[4096];
	int i;

	for (i = 0; i < n; i++) {
		if (!cli_which(tools[i][0], path, sizeof(path))) {
			cli_err("%s: '%s' not found: install %s (apt-get install %s)",
				cmd, tools[i][0], tools[i][1], tools[i][1]);
			return -1;
		}
	}
	return 0;
}
