/*
 * How a passthrough BAR reaches the guest (pure: unit-tested natively):
 * which host pages of it are mapped into the guest, each run of them a
 * KVM memslot over the VFIO mmap, and which are trapped (KVM_EXIT_MMIO ->
 * vfio_pci_mmio -> VFIO's region read/write). VFIO says what may be
 * mmapped: the region's MMAP flag, its sparse-mmap capability (older
 * kernels leave the MSI-X table out of it) and MSIX_MAPPABLE (newer ones
 * allow all of it). Whatever VFIO allows, pvmm traps the pages holding the
 * MSI-X table and PBA, as QEMU's vfio-pci does: the guest's table accesses
 * stay VFIO's (ibm,change-msi programs the table through VFIO), and the
 * registers sharing the BAR are mapped.
 */
#ifndef PVMM_BAR_SPLIT_H
#define PVMM_BAR_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pci_msix_where;

/* Bytes [off, off + len) of a BAR. */
struct bar_range {
	uint64_t off, len;
};

#define BAR_AREAS_MAX	16	/* sparse-mmap areas taken from VFIO per region */
#define BAR_PIECES_MAX	8	/* mapped pieces (memslots) per BAR */
#define BAR_TRAPS_MAX	2	/* the MSI-X table and PBA */

/* What VFIO lets be mmapped of a region. */
struct bar_mmap_info {
	struct bar_range areas[BAR_AREAS_MAX];
	unsigned int nr_areas;		/* 0: no mmap at all */
	bool sparse;			/* the areas came from the sparse-mmap capability */
	bool msix_mappable;		/* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
};

/* From VFIO_DEVICE_GET_REGION_INFO's answer: info (a struct
 * vfio_region_info) and len bytes of it with its capability chain, as
 * far as it was fetched. -EINVAL for a chain that leaves the buffer or
 * does not move forward, -E2BIG for more areas than BAR_AREAS_MAX. */
int bar_mmap_info_parse(const void *info, size_t len, struct bar_mmap_info *out);

/* The MSI-X table and PBA ranges that lie in BAR bar (0, 1 or 2 of them,
 * clipped to bar_size), into traps[BAR_TRAPS_MAX]; returns the count. */
unsigned int msix_traps(const struct pci_msix_where *w, int bar, uint64_t bar_size,
			struct bar_range traps[BAR_TRAPS_MAX]);

/* A BAR's mapped pieces: host-page aligned, sorted, disjoint; what is not
 * in one is trapped (trapped: how many bytes). */
struct bar_split {
	struct bar_range pieces[BAR_PIECES_MAX];
	unsigned int nr_pieces;
	uint64_t trapped;
};

/*
 * The areas VFIO lets be mmapped (each rounded inwards to whole pages of
 * page bytes) less the pages any trap touches (rounded outwards), within
 * [0, bar_size); adjacent pieces merge. -EINVAL if page is not a power of
 * two or bar_size is 0; -E2BIG if more than BAR_PIECES_MAX pieces or
 * BAR_AREAS_MAX areas would be needed (the caller traps the BAR whole).
 */
int bar_split(uint64_t bar_size, uint64_t page, const struct bar_range *areas,
	      unsigned int nr_areas, const struct bar_range *traps, unsigned int nr_traps,
	      struct bar_split *out);

#endif
