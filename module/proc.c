// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/splicelb/: per network namespace, read-only views for operators
 * and scripts.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "netns.h"
#include "proc.h"

static int slb_proc_version_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, "splicelb " SLB_VERSION "\n");
	return 0;
}

int slb_proc_net_init(struct slb_net *sn)
{
	sn->proc_dir = proc_net_mkdir(sn->net, "splicelb", sn->net->proc_net);
	if (!sn->proc_dir)
		return -ENOMEM;
	if (!proc_create_single("version", 0444, sn->proc_dir,
				slb_proc_version_show))
		goto err_version;
	return 0;

err_version:
	remove_proc_subtree("splicelb", sn->net->proc_net);
	return -ENOMEM;
}

void slb_proc_net_uninit(struct slb_net *sn)
{
	remove_proc_subtree("splicelb", sn->net->proc_net);
}
