// SPDX-License-Identifier: GPL-2.0
/* The byte stream ring: bytes in, bytes out, across the wrap-around. */
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/stream.h"

TEST(bytes_come_out_in_order_across_the_wrap)
{
	struct ttp_stream s;
	char out[8];

	ASSERT_EQ(0, ttp_stream_init(&s, 8));
	EXPECT_EQ(6, ttp_stream_append(&s, "abcdef", 6));
	ttp_stream_consume(&s, 5);		/* "f" is left, at index 5 */
	EXPECT_EQ(1, ttp_stream_len(&s));
	EXPECT_EQ(6, ttp_stream_append(&s, "ghijkl", 6));	/* wraps */
	EXPECT_EQ(7, ttp_stream_len(&s));
	EXPECT_EQ(1, ttp_stream_space(&s));
	ttp_stream_get(&s, 0, out, 7);
	EXPECT_EQ(0, memcmp(out, "fghijkl", 7));
	ttp_stream_get(&s, 3, out, 3);		/* from the middle */
	EXPECT_EQ(0, memcmp(out, "ijk", 3));
	EXPECT_EQ(5, ttp_stream_index(&s, 0));
	EXPECT_EQ(1, ttp_stream_index(&s, 4));	/* past the end: wrapped */
	ttp_stream_destroy(&s);
}

TEST(append_takes_only_what_fits)
{
	struct ttp_stream s;

	ASSERT_EQ(0, ttp_stream_init(&s, 4));
	EXPECT_EQ(4, ttp_stream_append(&s, "abcdef", 6));
	EXPECT_EQ(0, ttp_stream_append(&s, "x", 1));
	EXPECT_EQ(0, ttp_stream_space(&s));
	ttp_stream_consume(&s, 10);		/* never more than it has */
	EXPECT_EQ(0, ttp_stream_len(&s));
	EXPECT_EQ(4, ttp_stream_space(&s));
	ttp_stream_destroy(&s);
}

/* Early bytes go in past the end and count once the gap is filled. */
TEST(bytes_put_past_the_end_count_after_extend)
{
	struct ttp_stream s;
	char out[6];

	ASSERT_EQ(0, ttp_stream_init(&s, 6));
	ttp_stream_append(&s, "abcd", 4);
	ttp_stream_consume(&s, 4);		/* head at index 4 */
	ttp_stream_put(&s, 2, "EF", 2);		/* early: wraps to 0..1 */
	EXPECT_EQ(0, ttp_stream_len(&s));
	ttp_stream_put(&s, 0, "CD", 2);		/* the gap */
	ttp_stream_extend(&s, 4);
	EXPECT_EQ(4, ttp_stream_len(&s));
	ttp_stream_get(&s, 0, out, 4);
	EXPECT_EQ(0, memcmp(out, "CDEF", 4));
	ttp_stream_destroy(&s);
}

TEST(limit_shrinks_only_an_empty_stream)
{
	struct ttp_stream s;

	ASSERT_EQ(0, ttp_stream_init(&s, 100));
	ttp_stream_append(&s, "a", 1);
	ttp_stream_limit(&s, 10);
	EXPECT_EQ(100, ttp_stream_cap(&s));	/* bytes queued: unchanged */
	ttp_stream_consume(&s, 1);
	ttp_stream_limit(&s, 10);
	EXPECT_EQ(10, ttp_stream_cap(&s));
	ttp_stream_limit(&s, 50);		/* never raised */
	EXPECT_EQ(10, ttp_stream_cap(&s));
	EXPECT_EQ(10, ttp_stream_append(&s, "0123456789abc", 13));
	ttp_stream_destroy(&s);
}

TEST_HARNESS_MAIN
