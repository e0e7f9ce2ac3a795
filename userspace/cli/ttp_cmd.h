/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of `tcpteach ttp ...` and `tcpteach sim ...`. */
#ifndef TTP_CMD_H
#define TTP_CMD_H

/* argv[0] is the subcommand name ("ttp", "sim").  Returns the exit code. */
int ttp_cmd_main(int argc, char **argv);
int sim_cmd_main(int argc, char **argv);

#endif
