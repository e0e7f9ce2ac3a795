/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON printer of tcpteach.  It places the commas and closes
 * what was opened, so a value that could not be read is left out (or
 * written as null), never leaving half a member behind.  Values are typed:
 * numbers are numbers, an unlimited ssthresh is null.
 */
#ifndef TCPTEACH_JSON_H
#define TCPTEACH_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each level */
	char close[JSON_MAX_DEPTH];	/* '}' or ']' for each open level */
	int after_key;			/* a key was written, its value is next */
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* The key of the next member of the current object. */
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* A finite number (%.10g); NaN and infinities as null. */
void json_double(struct json *j, double v);
/*
 * A value read as text: a decimal number is written as a number, "inf"
 * (an unlimited ssthresh) as null, anything else as a string.
 */
void json_text(struct json *j, const char *s);
/* Closes what is still open and ends the line. */
void json_end(struct json *j);

#endif
