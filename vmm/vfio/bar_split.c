/* A passthrough BAR's mapped pieces and trapped pages (see bar_split.h). */
#include "bar_split.h"
#include "pci_config.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <linux/vfio.h>

#define MSIX_ENTRY_BYTES	16
#define MSIX_PBA_BITS		64	/* pending bits per PBA qword */

/* The sparse-mmap capability at off (its header checked by the caller). */
static int parse_sparse(const uint8_t *buf, size_t len, size_t off, struct bar_mmap_info *out)
{
	struct vfio_region_info_cap_sparse_mmap cap;
	struct vfio_region_sparse_mmap_area area;

	if (len - off < sizeof(cap))
		return -EINVAL;
	memcpy(&cap, buf + off, sizeof(cap));
	if (cap.nr_areas > BAR_AREAS_MAX)
		return -E2BIG;
	if ((len - off - sizeof(cap)) / sizeof(area) < cap.nr_areas)
		return -EINVAL;
	for (uint32_t i = 0; i < cap.nr_areas; i++) {
		memcpy(&area, buf + off + sizeof(cap) + i * sizeof(area), sizeof(area));
		out->areas[i] = (struct bar_range){ area.offset, area.size };
	}
	out->nr_areas = cap.nr_areas;
	out->sparse = true;
	return 0;
}

/* The capability chain: each header inside the buffer, each next one
 * further on (a chain that loops or points back is refused). */
static int parse_caps(const uint8_t *buf, size_t len, uint32_t first, struct bar_mmap_info *out)
{
	struct vfio_info_cap_header hdr;
	size_t off = first;

	while (off) {
		int r = 0;
		if (off < sizeof(struct vfio_region_info) || off > len || len - off < sizeof(hdr))
			return -EINVAL;
		memcpy(&hdr, buf + off, sizeof(hdr));
		if (hdr.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			r = parse_sparse(buf, len, off, out);
		else if (hdr.id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)
			out->msix_mappable = true;
		if (r)
			return r;
		if (hdr.next && hdr.next <= off)
			return -EINVAL;
		off = hdr.next;
	}
	return 0;
}

int bar_mmap_info_parse(const void *info, size_t len, struct bar_mmap_info *out)
{
	struct vfio_region_info ri;
	int r;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(ri))
		return -EINVAL;
	memcpy(&ri, info, sizeof(ri));
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return 0;
	if (ri.flags & VFIO_REGION_INFO_FLAG_CAPS) {
		/* cap_offset 0 with the flag: the chain was not fetched */
		if (!ri.cap_offset)
			return -EINVAL;
		r = parse_caps(info, len, ri.cap_offset, out);
		if (r) {
			memset(out, 0, sizeof(*out));
			return r;
		}
	}
	if (!out->sparse) {
		out->areas[0] = (struct bar_range){ 0, ri.size };
		out->nr_areas = 1;
	}
	return 0;
}

/* r clipped to [0, bar_size); false if nothing is left. */
static bool clip(struct bar_range *r, uint64_t bar_size)
{
	if (!r->len || r->off >= bar_size)
		return false;
	if (r->len > bar_size - r->off)
		r->len = bar_size - r->off;
	return true;
}

unsigned int msix_traps(const struct pci_msix_where *w, int bar, uint64_t bar_size,
			struct bar_range traps[BAR_TRAPS_MAX])
{
	struct bar_range table = { w->table_off, (uint64_t)w->entries * MSIX_ENTRY_BYTES };
	struct bar_range pba = { w->pba_off,
				 (uint64_t)(w->entries + MSIX_PBA_BITS - 1) / MSIX_PBA_BITS * 8 };
	unsigned int n = 0;

	if (!w->entries)
		return 0;
	if (w->table_bar == bar && clip(&table, bar_size))
		traps[n++] = table;
	if (w->pba_bar == bar && clip(&pba, bar_size))
		traps[n++] = pba;
	return n;
}

/* By offset: the lists are a handful long. */
static void sort_ranges(struct bar_range *r, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct bar_range k = r[i];
		unsigned int j = i;
		for (; j > 0 && r[j - 1].off > k.off; j--)
			r[j] = r[j - 1];
		r[j] = k;
	}
}

/* [start, end) as whole pages, inwards (a mappable area) or outwards (a
 * trap), in r; false if no page is left. */
static bool to_pages(struct bar_range in, uint64_t bar_size, uint64_t page, bool outwards,
		     struct bar_range *r)
{
	uint64_t start, end;

	if (!clip(&in, bar_size))
		return false;
	start = outwards ? ALIGN_DOWN(in.off, page) : ALIGN_UP(in.off, page);
	end = outwards ? ALIGN_UP(in.off + in.len, page) : ALIGN_DOWN(in.off + in.len, page);
	if (start >= end)
		return false;
	*r = (struct bar_range){ start, end - start };
	return true;
}

/* Adds [start, end) after the pieces so far (which end at or before
 * start, or overlap it: then they merge). */
static int add_piece(struct bar_split *s, uint64_t start, uint64_t end)
{
	struct bar_range *last = s->nr_pieces ? &s->pieces[s->nr_pieces - 1] : NULL;

	if (last && start <= last->off + last->len) {
		if (end > last->off + last->len)
			last->len = end - last->off;
		return 0;
	}
	if (s->nr_pieces == BAR_PIECES_MAX)
		return -E2BIG;
	s->pieces[s->nr_pieces++] = (struct bar_range){ start, end - start };
	return 0;
}

/* One mappable area less the traps (sorted, whole pages). */
static int split_area(struct bar_split *s, struct bar_range a, const struct bar_range *t,
		      unsigned int nt)
{
	uint64_t pos = a.off, end = a.off + a.len;
	int r;

	for (unsigned int i = 0; i < nt && pos < end; i++) {
		uint64_t ts = t[i].off, te = t[i].off + t[i].len;
		if (te <= pos || ts >= end)
			continue;
		if (ts > pos) {
			r = add_piece(s, pos, ts);
			if (r)
				return r;
		}
		pos = te > pos ? te : pos;
	}
	return pos < end ? add_piece(s, pos, end) : 0;
}

int bar_split(uint64_t bar_size, uint64_t page, const struct bar_range *areas,
	      unsigned int nr_areas, const struct bar_range *traps, unsigned int nr_traps,
	      struct bar_split *out)
{
	struct bar_range a[BAR_AREAS_MAX], t[BAR_AREAS_MAX];
	unsigned int na = 0, nt = 0;
	uint64_t mapped = 0;

	memset(out, 0, sizeof(*out));
	out->trapped = bar_size;
	if (!bar_size || !page || page & (page - 1))
		return -EINVAL;
	if (nr_areas > BAR_AREAS_MAX || nr_traps > BAR_AREAS_MAX)
		return -E2BIG;
	for (unsigned int i = 0; i < nr_areas; i++)
		na += to_pages(areas[i], bar_size, page, false, &a[na]);
	for (unsigned int i = 0; i < nr_traps; i++)
		nt += to_pages(traps[i], bar_size, page, true, &t[nt]);
	sort_ranges(a, na);
	sort_ranges(t, nt);
	for (unsigned int i = 0; i < na; i++) {
		int r = split_area(out, a[i], t, nt);
		if (r) {
			memset(out, 0, sizeof(*out));
			out->trapped = bar_size;
			return r;
		}
	}
	for (unsigned int i = 0; i < out->nr_pieces; i++)
		mapped += out->pieces[i].len;
	out->trapped = bar_size - mapped;
	return 0;
}
