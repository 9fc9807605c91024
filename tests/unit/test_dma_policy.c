/* dma_policy.c: the policy for every combination of configuration and
 * capabilities, each choice with its reason. */
#include "test.h"
#include "dma_policy.h"
#include "spapr_ddw.h"

#include <errno.h>

TEST(dma_policy_every_combination)
{
	const enum tce_mode modes[] = { TCE_AUTO, TCE_KERNEL, TCE_USER };
	unsigned int n = 0;

	for (unsigned int m = 0; m < 3; m++)
	for (unsigned int bits = 0; bits < 1u << 9; bits++) {
		struct dma_wants w = { modes[m], bits & 1, bits >> 1 & 1, bits >> 2 & 1, bits >> 3 & 1, 0 };
		struct dma_caps c = { bits >> 4 & 1, bits >> 5 & 1, bits >> 6 & 1,
				      bits >> 7 & 1 ? 2 : 1, bits >> 8 & 1 ? DDW_PGSIZE_64K : 0, 0 };
		bool kernel_ok = c.kvm_tce_vfio && c.kvm_tce_64 && c.v2;
		bool kernel = w.tce != TCE_USER && kernel_ok;
		struct dma_policy p;
		int r = dma_policy_resolve(&w, &c, &p);

		CHECK_EQ(r, w.tce == TCE_KERNEL && !kernel_ok ? -ENOTSUP : 0);
		CHECK_EQ(p.mode, kernel ? TCE_KERNEL : TCE_USER);
		CHECK_EQ(p.mode_auto, w.tce == TCE_AUTO);
		CHECK_EQ(p.ddw, w.ddw && c.v2 && c.host_windows > 1 && c.ddw_page_mask);
		CHECK_EQ(p.coalesce, w.coalesce);
		CHECK_EQ(p.kvm_indirect, kernel && w.kvm_indirect);
		CHECK_EQ(p.kvm_stuff, kernel && w.kvm_stuff);
		CHECK(p.mode_why && p.ddw_why && p.indirect_why && p.stuff_why);
		n++;
	}
	CHECK_EQ(n, 3 * 512);
}

TEST(dma_policy_reasons)
{
	struct dma_caps all = { true, true, true, 2, DDW_PGSIZE_64K, 0 };
	struct dma_wants w = { TCE_AUTO, true, true, false, false, 0 };
	struct dma_policy p;
	char buf[400];

	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	dma_policy_mode(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "TCE mode kernel (auto): KVM_CAP_SPAPR_TCE_VFIO present"));
	dma_policy_hcalls(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "KVM serves H_PUT_TCE, H_GET_TCE; pvmm serves H_PUT_TCE_INDIRECT "
		      "(KVM re-reads and does not bound the list), H_STUFF_TCE (KVM does not bound its count)"));
	w.kvm_indirect = w.kvm_stuff = true;
	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	dma_policy_hcalls(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "KVM serves H_PUT_TCE, H_GET_TCE, H_PUT_TCE_INDIRECT (kvm_indirect_tce on: "
		      "trusted guest), H_STUFF_TCE (kvm_stuff_tce on: trusted guest); pvmm serves none"));
	/* the auto fallback names what is missing (the mode-fallback scenario reads it) */
	all.kvm_tce_vfio = false;
	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	dma_policy_mode(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "TCE mode user (auto): KVM lacks KVM_CAP_SPAPR_TCE_VFIO"));
	dma_policy_hcalls(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "KVM serves none; pvmm serves H_PUT_TCE, H_GET_TCE, H_PUT_TCE_INDIRECT, H_STUFF_TCE"));
	w.tce = TCE_KERNEL;
	CHECK_EQ(dma_policy_resolve(&w, &all, &p), -ENOTSUP);
	CHECK(!strcmp(p.mode_why, "KVM lacks KVM_CAP_SPAPR_TCE_VFIO"));
	w.tce = TCE_USER;
	all.kvm_tce_vfio = true;
	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	dma_policy_mode(&p, buf, sizeof(buf));
	CHECK(!strcmp(buf, "TCE mode user (asked for)"));
	CHECK(!strcmp(p.ddw_why, "on"));
	all.host_windows = 1;
	dma_policy_resolve(&w, &all, &p);
	CHECK(!strcmp(p.ddw_why, "the host offers a single DMA window"));
	all.v2 = false;
	dma_policy_resolve(&w, &all, &p);
	CHECK(!strcmp(p.ddw_why, "the host offers only the v1 IOMMU"));
	w.ddw = false;
	dma_policy_resolve(&w, &all, &p);
	CHECK(!strcmp(p.ddw_why, "off in the configuration"));
}

/* ddw_max_size below the window that maps all RAM caps the guest's
 * windows (dynamic mapping); at or above it, or with DDW off, it does
 * nothing. */
TEST(dma_policy_ddw_max_size)
{
	struct dma_caps all = { true, true, true, 2, DDW_PGSIZE_4K, 512ULL << 20 };
	struct dma_wants w = { TCE_KERNEL, true, true, false, false, 0 };
	struct dma_policy p;

	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	CHECK(p.ddw && !p.ddw_dynamic);
	CHECK_EQ(p.ddw_max_size, 512ULL << 20);
	w.ddw_max_size = 256ULL << 20;
	CHECK_EQ(dma_policy_resolve(&w, &all, &p), 0);
	CHECK(p.ddw && p.ddw_dynamic);
	CHECK_EQ(p.ddw_max_size, 256ULL << 20);
	CHECK_STR_CONTAINS(p.ddw_why, "smaller than guest RAM");
	w.ddw_max_size = 512ULL << 20;
	dma_policy_resolve(&w, &all, &p);
	CHECK(p.ddw && !p.ddw_dynamic);
	CHECK_EQ(p.ddw_max_size, 512ULL << 20);
	w.ddw_max_size = 1ULL << 40;
	dma_policy_resolve(&w, &all, &p);
	CHECK(!p.ddw_dynamic);
	CHECK_EQ(p.ddw_max_size, 512ULL << 20);
	w.ddw_max_size = 1ULL << 20;
	w.ddw = false;
	dma_policy_resolve(&w, &all, &p);
	CHECK(!p.ddw && !p.ddw_dynamic);
	CHECK(!strcmp(p.ddw_why, "off in the configuration"));
}

/* [phb.N] overrides [pci] for that PHB only. */
TEST(dma_wants_from_config)
{
	struct vm_config cfg;
	struct dma_wants w;

	config_defaults(&cfg);
	cfg.tce = TCE_KERNEL;
	cfg.kvm_stuff_tce = true;
	cfg.ddw_max_size = 64ULL << 20;
	cfg.phbs[2] = (struct phb_config){ .tce_set = true, .tce = TCE_USER, .ddw_set = true,
					   .ddw = false, .user_coalesce_set = true, .user_coalesce = false };
	w = dma_wants_of(&cfg, 2);
	CHECK(w.tce == TCE_USER && !w.ddw && !w.coalesce && w.kvm_stuff && !w.kvm_indirect);
	CHECK_EQ(w.ddw_max_size, 64ULL << 20);
	w = dma_wants_of(&cfg, 1);
	CHECK(w.tce == TCE_KERNEL && w.ddw == cfg.ddw && w.coalesce);
}
