// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for `tcpteach run --cc ALGO -- COMMAND`: every TCP
 * socket the program creates gets setsockopt(TCP_CONGESTION, ALGO), where
 * ALGO comes from $TCPTEACH_CC.  socket() covers most programs; connect()
 * and listen() catch TCP sockets made some other way (inherited, or by a
 * library that calls the syscall directly).  Accepted sockets inherit the
 * listener's algorithm in the kernel.  Failures are reported once on
 * stderr, never change the program's behaviour.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*socket_fn)(int, int, int);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*listen_fn)(int, int);

static int warned;

static void set_cc(int fd)
{
	const char *algo = getenv("TCPTEACH_CC");
	char cur[32] = "";
	socklen_t len = sizeof(cur);
	int proto = 0, saved = errno;

	if (!algo || !*algo)
		return;
	len = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) ||
	    proto != IPPROTO_TCP)
		goto out;
	len = sizeof(cur);
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cur, &len) == 0 &&
	    strncmp(cur, algo, sizeof(cur)) == 0)
		goto out;
	if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, algo,
		       (socklen_t)strlen(algo)) && !warned) {
		warned = 1;
		fprintf(stderr,
			"tcpteach: cannot set TCP_CONGESTION=%s: %s%s\n", algo,
			strerror(errno),
			errno == ENOENT ? " (load it: modprobe tcp_teach)" :
			errno == EPERM ? " (not root: allow it in net.ipv4.tcp_allowed_congestion_control)" :
			"");
	}
out:
	errno = saved;
}

int socket(int domain, int type, int protocol)
{
	static socket_fn real;
	int fd;

	if (!real)
		real = (socket_fn)dlsym(RTLD_NEXT, "socket");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	fd = real(domain, type, protocol);
	if (fd >= 0 && (domain == AF_INET || domain == AF_INET6) &&
	    (type & 0xf) == SOCK_STREAM)
		set_cc(fd);
	return fd;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	static connect_fn real;

	if (!real)
		real = (connect_fn)dlsym(RTLD_NEXT, "connect");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	set_cc(fd);
	return real(fd, addr, len);
}

int listen(int fd, int backlog)
{
	static listen_fn real;

	if (!real)
		real = (listen_fn)dlsym(RTLD_NEXT, "listen");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	set_cc(fd);
	return real(fd, backlog);
}
