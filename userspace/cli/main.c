// SPDX-License-Identifier: GPL-2.0
/* tcpteach: the command.  Everything else lives in the library. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return tcpteach_main(argc, argv);
}
