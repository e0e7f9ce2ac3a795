/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one integer parser of tcpteach: command-line options, /proc files
 * and CSV traces all go through it, so "what is a number" means the same
 * everywhere.
 */
#ifndef TCPTEACH_NUM_H
#define TCPTEACH_NUM_H

/*
 * Parse a decimal number: digits only (no sign, no spaces, no hex), at
 * most @max.  Returns 0, or -1 when @s is not such a number.
 */
int parse_ull(const char *s, unsigned long long max, unsigned long long *out);

#endif
