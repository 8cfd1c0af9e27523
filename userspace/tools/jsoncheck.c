// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * jsoncheck [FILE]: exit 0 when FILE (or stdin) is one JSON text (RFC 8259),
 * or with -l one per line; else print where it went wrong and exit 1.
 * The test guest has neither python nor jq.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

static const char *s, *start;
static int depth;

static bool value(void);

static void ws(void)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
}

static bool lit(const char *w)
{
	size_t n = strlen(w);

	if (strncmp(s, w, n))
		return false;
	s += n;
	return true;
}

static bool hex4(void)
{
	int i;

	for (i = 0; i < 4; i++, s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static bool string(void)
{
	if (*s++ != '"')
		return false;
	while (*s != '"') {
		if ((unsigned char)*s < 0x20)
			return false;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				s++;
				if (!hex4())
					return false;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *s) || !*s)
				return false;
		}
		s++;
	}
	s++;
	return true;
}

static bool digits(void)
{
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return true;
}

static bool number(void)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (!digits())
		return false;
	if (*s == '.') {
		s++;
		if (!digits())
			return false;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!digits())
			return false;
	}
	return true;
}

static bool members(char close, bool object)
{
	if (++depth > MAX_DEPTH)
		return false;
	s++;
	ws();
	if (*s == close) {
		s++;
		depth--;
		return true;
	}
	for (;;) {
		if (object) {
			ws();
			if (!string())
				return false;
			ws();
			if (*s++ != ':')
				return false;
		}
		if (!value())
			return false;
		ws();
		if (*s == close) {
			s++;
			depth--;
			return true;
		}
		if (*s++ != ',')
			return false;
	}
}

static bool value(void)
{
	ws();
	switch (*s) {
	case '{':
		return members('}', true);
	case '[':
		return members(']', false);
	case '"':
		return string();
	case 't':
		return lit("true");
	case 'f':
		return lit("false");
	case 'n':
		return lit("null");
	default:
		return number();
	}
}

static bool check(const char *text)
{
	s = start = text;
	depth = 0;
	if (!value())
		return false;
	ws();
	return *s == '\0';
}

int main(int argc, char **argv)
{
	bool lines = argc > 1 && !strcmp(argv[1], "-l");
	const char *path = argc > 1 + lines ? argv[1 + lines] : NULL;
	FILE *f = path ? fopen(path, "r") : stdin;
	char *buf = NULL, *line, *save;
	size_t len = 0, cap = 0, n;
	unsigned int lineno = 0;

	if (!f) {
		perror(path);
		return 2;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				return 2;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		fprintf(stderr, "jsoncheck: NUL byte in input\n");
		return 1;
	}
	if (!lines) {
		if (check(buf))
			return 0;
		fprintf(stderr, "jsoncheck: invalid JSON at byte %ld\n",
			(long)(s - start));
		return 1;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (!check(line)) {
			fprintf(stderr, "jsoncheck: line %u: invalid JSON at "
				"byte %ld\n", lineno, (long)(s - start));
			return 1;
		}
	}
	return 0;
}
