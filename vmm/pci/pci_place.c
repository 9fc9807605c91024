/* Placement of passthrough functions onto guest PHBs (see pci_place.h). */
#include "pci_place.h"
#include "layout.h"
#include "spapr.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The PHB of fn[i]'s group: the one a function of the group asked for, or
 * the one an earlier function of the group already got, else -1. */
static int group_phb(const struct place_fn *fn, unsigned int n, unsigned int i,
		     char *err, size_t errlen)
{
	int phb = -1;

	for (unsigned int j = 0; j < n; j++) {
		if (fn[j].group != fn[i].group || fn[j].phb < 0)
			continue;
		if (phb >= 0 && phb != fn[j].phb) {
			snprintf(err, errlen, "%s and %s share IOMMU group %d and must share a guest PHB "
				 "(phb=%d and phb=%d)", fn[j].name, fn[i].name, fn[i].group, fn[j].phb, phb);
			return -EINVAL;
		}
		phb = fn[j].phb;
	}
	return phb;
}

static bool phb_taken(const struct place_fn *fn, const struct place_out *out, unsigned int n,
		      unsigned int done, unsigned int phb)
{
	for (unsigned int j = 0; j < n; j++)
		if (fn[j].phb == (int)phb)
			return true;
	for (unsigned int j = 0; j < done; j++)
		if (out[j].phb == phb)
			return true;
	return false;
}

static int place_phbs(const struct place_fn *fn, unsigned int n, unsigned int max_phbs,
		      struct place_out *out, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		int phb = group_phb(fn, n, i, err, errlen);
		if (phb < -1)
			return phb;
		for (unsigned int j = 0; phb < 0 && j < i; j++)
			if (fn[j].group == fn[i].group)
				phb = (int)out[j].phb;
		for (unsigned int k = 0; phb < 0 && k < max_phbs; k++)
			if (!phb_taken(fn, out, n, i, k))
				phb = (int)k;
		if (phb < 0 || (unsigned int)phb >= max_phbs) {
			snprintf(err, errlen, "%s: no guest PHB left (at most %u)", fn[i].name, max_phbs);
			return -ENOSPC;
		}
		out[i].phb = (unsigned int)phb;
	}
	return 0;
}

/* Guest slot of fn[i]: the slot an earlier function of the same group and
 * host slot got, else the host slot if free on that PHB, else the lowest
 * free one. */
static int place_slot(const struct place_fn *fn, struct place_out *out, unsigned int i)
{
	bool used[PHB_SLOTS] = { false };

	for (unsigned int j = 0; j < i; j++) {
		if (out[j].phb != out[i].phb)
			continue;
		if (fn[j].group == fn[i].group && fn[j].host_slot == fn[i].host_slot)
			return out[j].devfn >> 3;
		used[out[j].devfn >> 3] = true;
	}
	if (fn[i].host_slot < PHB_SLOTS && !used[fn[i].host_slot])
		return (int)fn[i].host_slot;
	for (int s = 0; s < PHB_SLOTS; s++)
		if (!used[s])
			return s;
	return -ENOSPC;
}

int pci_place(const struct place_fn *fn, unsigned int n, unsigned int max_phbs,
	      struct place_out *out, char *err, size_t errlen)
{
	int r = place_phbs(fn, n, max_phbs, out, err, errlen);

	for (unsigned int i = 0; !r && i < n; i++) {
		int slot = place_slot(fn, out, i);
		if (slot < 0) {
			snprintf(err, errlen, "%s: more functions than guest PHB %u has slots (%d)",
				 fn[i].name, out[i].phb, PHB_SLOTS);
			return -ENOSPC;
		}
		out[i].devfn = (uint8_t)(slot << 3 | (fn[i].host_fn & 7));
		for (unsigned int j = 0; j < i; j++)
			if (out[j].phb == out[i].phb && out[j].devfn == out[i].devfn) {
				snprintf(err, errlen, "%s and %s would share guest slot %d function %u",
					 fn[j].name, fn[i].name, slot, fn[i].host_fn & 7);
				return -EINVAL;
			}
	}
	return r;
}
