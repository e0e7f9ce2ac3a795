// SPDX-License-Identifier: GPL-2.0
/*
 * The teaching transport over real UDP on loopback: a forked receiver,
 * the file arrives byte for byte (SHA-256); a sender with nobody
 * listening gives up loudly after bounded retries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ttp/udp.h"
#include "ttp_sha256.h"

static void tell_port(void *ctx, uint16_t port)
{
	int fd = *(int *)ctx;

	if (write(fd, &port, sizeof(port)) != sizeof(port))
		_exit(3);
}

static int file_sha(const char *path, uint8_t out[32], size_t *len)
{
	struct sha256 s;
	uint8_t buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	sha256_init(&s);
	*len = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		sha256_update(&s, buf, n);
		*len += n;
	}
	fclose(f);
	sha256_final(&s, out);
	return 0;
}

static void one_transfer(struct __test_metadata *_metadata, size_t size,
			 enum teach_algo algo, enum ttp_mode mode,
			 uint32_t mss)
{
	char in[] = "/tmp/ttp_in_XXXXXX", out[] = "/tmp/ttp_out_XXXXXX";
	struct ttp_xfer_opts o;
	struct ttp_xfer_result r;
	uint8_t a[32], b[32], *data = malloc(size ? size : 1);
	size_t i, la, lb;
	int p[2], fd, st;
	uint16_t port;
	pid_t pid;

	ASSERT_NE(NULL, data);
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	fd = mkstemp(in);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)size, write(fd, data, size));
	close(fd);
	free(data);
	fd = mkstemp(out);
	ASSERT_GE(fd, 0);
	close(fd);
	ttp_xfer_opts_default(&o);
	o.algo = algo;
	o.mode = mode;
	o.mss = mss;
	o.idle_timeout_us = 20000000;
	o.connect_timeout_us = 20000000;
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(ttp_udp_recv(0, out, &o, &r, tell_port, &p[1]) ? 1 : 0);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(port), read(p[0], &port, sizeof(port)));
	close(p[0]);
	EXPECT_EQ(0, ttp_udp_send(in, "127.0.0.1", port, &o, &r));
	if (r.err[0])
		TH_LOG("send: %s", r.err);
	EXPECT_EQ(size, r.bytes);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(0, file_sha(in, a, &la));
	ASSERT_EQ(0, file_sha(out, b, &lb));
	EXPECT_EQ(la, lb);
	EXPECT_EQ(0, memcmp(a, b, 32));
	unlink(in);
	unlink(out);
}

TEST(loopback_sizes_modes_algorithms)
{
	one_transfer(_metadata, 0, TEACH_RENO, TTP_MODE_GBN, 1460);
	one_transfer(_metadata, 1, TEACH_TAHOE, TTP_MODE_GBN, 1460);
	one_transfer(_metadata, 1459, TEACH_RENO, TTP_MODE_SAW, 1460);
	one_transfer(_metadata, 1461, TEACH_NONE, TTP_MODE_GBN, 1460);
	one_transfer(_metadata, 200000, TEACH_RENO, TTP_MODE_SAW, 1460);
	one_transfer(_metadata, 8u << 20, TEACH_RENO, TTP_MODE_GBN, 32000);
	one_transfer(_metadata, 8u << 20, TEACH_TAHOE, TTP_MODE_GBN, 1460);
}

TEST(sender_gives_up_when_nobody_listens)
{
	struct ttp_xfer_opts o;
	struct ttp_xfer_result r;
	char in[] = "/tmp/ttp_in_XXXXXX";
	int fd = mkstemp(in);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(5, write(fd, "hello", 5));
	close(fd);
	ttp_xfer_opts_default(&o);
	o.max_retries = 3;
	o.rto_max_us = 400000;
	/* port 9 (discard): nothing of ours answers there */
	EXPECT_NE(0, ttp_udp_send(in, "127.0.0.1", 9, &o, &r));
	EXPECT_NE(NULL, strstr(r.err, "failed"));
	EXPECT_EQ(3, r.st.timeouts);
	TH_LOG("%s", r.err);
	unlink(in);
}

TEST_HARNESS_MAIN
