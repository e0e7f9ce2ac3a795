// SPDX-License-Identifier: GPL-2.0
#include "cli/cli.h"

int cmd_demo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_err("demo: not yet");
	return EXIT_FAIL;
}
