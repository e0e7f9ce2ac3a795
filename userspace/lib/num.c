// SPDX-License-Identifier: GPL-2.0
#include "lib/num.h"

#include <errno.h>
#include <stdlib.h>

int parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would accept " 7", "+7" and "-7" (as a huge number). */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}
