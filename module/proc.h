/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_PROC_H
#define SLB_PROC_H

struct slb_net;

int slb_proc_net_init(struct slb_net *sn);
void slb_proc_net_uninit(struct slb_net *sn);

#endif /* SLB_PROC_H */
