/* Guest image loading (see loader.h). */
#include "loader.h"
#include "layout.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define KERNEL_MAX_FILE (512 * MiB)

/*
 * The file mapped read-only: the loaders copy from the page cache into
 * guest RAM once, instead of reading the whole file into a heap copy
 * first (a 47 MB vmlinux and a 14 MB initramfs were 60 MB of heap pages
 * faulted, filled and freed at every start). An empty file maps nothing.
 */
int map_whole_file(const char *path, const void **buf, size_t *len, size_t max)
{
	static const uint8_t empty[1];
	struct stat st;
	void *p;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (e) {
		close(fd);
		return e;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	p = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)empty;
	e = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (e)
		return e;
	*buf = p;
	*len = st.st_size;
	return 0;
}

void unmap_whole_file(const void *buf, size_t len)
{
	if (len)
		munmap((void *)buf, len);
}

/* ELF fields in the file's own byte order. */
struct elf_reader {
	const uint8_t *img;
	size_t len;
	int le;
};

static uint64_t rd(const struct elf_reader *r, size_t off, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		int idx = r->le ? bytes - 1 - i : i;
		v = v << 8 | r->img[off + idx];
	}
	return v;
}

/* Does the PT_NOTE segment at phdr ph hold a note owned by "Linux"? Every
 * vmlinux carries some (build salt, LTO info); notes past the file's end
 * are ignored, never read. */
static bool note_segment_is_linux(const struct elf_reader *r, size_t ph)
{
	uint64_t off = rd(r, ph + offsetof(Elf64_Phdr, p_offset), 8);
	uint64_t size = rd(r, ph + offsetof(Elf64_Phdr, p_filesz), 8);
	uint64_t pos = 0;

	if (off > r->len || size > r->len - off)
		return false;
	while (size - pos >= 12) {
		uint64_t namesz = rd(r, off + pos, 4), descsz = rd(r, off + pos + 4, 4);
		uint64_t next = 12 + ALIGN_UP(namesz, 4) + ALIGN_UP(descsz, 4);
		if (namesz == sizeof("Linux") && size - pos >= 12 + namesz &&
		    !memcmp(r->img + off + pos + 12, "Linux", sizeof("Linux")))
			return true;
		if (next > size - pos)
			break;
		pos += next;
	}
	return false;
}

/* A Linux kernel: it has a "Linux" ELF note, or it is linked at the
 * kernel's linear map (0xc000000000000000) as every ppc64 vmlinux is. */
static bool elf_is_linux(const struct elf_reader *r, uint64_t phoff, unsigned int phnum,
			 uint64_t entry)
{
	if ((entry >> 60) == 0xc)
		return true;
	for (unsigned int i = 0; i < phnum; i++) {
		size_t ph = phoff + (size_t)i * sizeof(Elf64_Phdr);
		if (rd(r, ph + offsetof(Elf64_Phdr, p_type), 4) == PT_NOTE && note_segment_is_linux(r, ph))
			return true;
	}
	return false;
}

#define EFAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -ENOEXEC; } while (0)

/* Where a segment goes: a vmlinux at its physical address (it links at
 * 0xc000000000000000 with p_paddr 0); any other image as QEMU's pseries
 * loads -kernel: the address's low 28 bits plus kernel_addr. */
static uint64_t segment_target(uint64_t paddr, bool linux_kernel, uint64_t kernel_addr)
{
	if (linux_kernel)
		return paddr & ~0xc000000000000000ULL;
	return (paddr & LOADER_ADDR_MASK) + kernel_addr;
}

struct elf_image {
	struct elf_reader r;
	uint64_t phoff, entry;
	unsigned int phnum;
};

static int elf_header(struct elf_image *im, char *err, size_t errlen)
{
	const struct elf_reader *r = &im->r;
	const uint8_t *e = r->img;
	unsigned int phentsize;

	if (r->len < sizeof(Elf64_Ehdr) || memcmp(e, ELFMAG, SELFMAG))
		EFAIL("not an ELF file");
	if (e[EI_CLASS] != ELFCLASS64)
		EFAIL("not a 64-bit ELF (class %u)", e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB)
		EFAIL("unknown ELF byte order %u", e[EI_DATA]);
	im->r.le = e[EI_DATA] == ELFDATA2LSB;
	if (rd(r, offsetof(Elf64_Ehdr, e_machine), 2) != EM_PPC64)
		EFAIL("not a ppc64 image (ELF machine %llu)",
		      (unsigned long long)rd(r, offsetof(Elf64_Ehdr, e_machine), 2));
	if (rd(r, offsetof(Elf64_Ehdr, e_type), 2) != ET_EXEC && rd(r, offsetof(Elf64_Ehdr, e_type), 2) != ET_DYN)
		EFAIL("not an executable ELF");
	im->phoff = rd(r, offsetof(Elf64_Ehdr, e_phoff), 8);
	im->phnum = rd(r, offsetof(Elf64_Ehdr, e_phnum), 2);
	phentsize = rd(r, offsetof(Elf64_Ehdr, e_phentsize), 2);
	im->entry = rd(r, offsetof(Elf64_Ehdr, e_entry), 8);
	if (phentsize != sizeof(Elf64_Phdr) || im->phnum == 0 || im->phnum > 64 ||
	    im->phoff > r->len || (uint64_t)im->phnum * phentsize > r->len - im->phoff)
		EFAIL("truncated or corrupt program headers");
	return 0;
}

/* Copy PT_LOAD segment i (program header at ph) to guest address 'to';
 * note the entry point and the image's end in res. */
static int load_segment(struct guest_mem *mem, const struct elf_image *im, unsigned int i,
			uint64_t to, struct load_result *res, char *err, size_t errlen)
{
	const struct elf_reader *r = &im->r;
	size_t ph = im->phoff + (size_t)i * sizeof(Elf64_Phdr);
	uint64_t off = rd(r, ph + offsetof(Elf64_Phdr, p_offset), 8);
	uint64_t vaddr = rd(r, ph + offsetof(Elf64_Phdr, p_vaddr), 8);
	uint64_t filesz = rd(r, ph + offsetof(Elf64_Phdr, p_filesz), 8);
	uint64_t memsz = rd(r, ph + offsetof(Elf64_Phdr, p_memsz), 8);
	uint8_t *dst;

	if (filesz > memsz || off > r->len || filesz > r->len - off)
		EFAIL("truncated: segment %u needs bytes %llu..%llu of %zu", i,
		      (unsigned long long)off, (unsigned long long)(off + filesz), r->len);
	dst = guest_ptr(mem, to, memsz);
	if (!dst)
		EFAIL("segment %u (0x%llx + 0x%llx) does not fit in %llu MiB of RAM", i,
		      (unsigned long long)to, (unsigned long long)memsz,
		      (unsigned long long)(mem->size / MiB));
	memcpy(dst, r->img + off, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	if (im->entry >= vaddr && im->entry - vaddr < memsz)
		res->entry = to + (im->entry - vaddr);
	if (to + memsz > res->end)
		res->end = to + memsz;
	if (to < res->start)
		res->start = to;
	return 0;
}

int load_elf(struct guest_mem *mem, const void *img, size_t len, uint64_t kernel_addr,
	     struct load_result *res, char *err, size_t errlen)
{
	struct elf_image im = { .r = { img, len, 0 } };
	unsigned int loaded = 0;
	int rc = elf_header(&im, err, errlen);

	if (rc)
		return rc;
	*res = (struct load_result){ .entry = UINT64_MAX, .start = UINT64_MAX, .little_endian = im.r.le,
				     .linux_kernel = elf_is_linux(&im.r, im.phoff, im.phnum, im.entry) };
	for (unsigned int i = 0; i < im.phnum; i++) {
		size_t ph = im.phoff + (size_t)i * sizeof(Elf64_Phdr);
		uint64_t paddr = rd(&im.r, ph + offsetof(Elf64_Phdr, p_paddr), 8);

		if (rd(&im.r, ph + offsetof(Elf64_Phdr, p_type), 4) != PT_LOAD)
			continue;
		rc = load_segment(mem, &im, i, segment_target(paddr, res->linux_kernel, kernel_addr),
				  res, err, errlen);
		if (rc)
			return rc;
		loaded++;
	}
	if (!loaded)
		EFAIL("no loadable segments");
	if (res->entry == UINT64_MAX)
		EFAIL("entry point 0x%llx is outside every segment", (unsigned long long)im.entry);
	return 0;
}

int load_kernel_file(struct guest_mem *mem, const char *path, uint64_t kernel_addr,
		     struct load_result *res, char *err, size_t errlen)
{
	char why[200];
	const void *img;
	size_t len;
	int r;

	r = map_whole_file(path, &img, &len, KERNEL_MAX_FILE);
	if (r) {
		snprintf(err, errlen, "%s: cannot read kernel: %s", path, strerror(-r));
		return r;
	}
	r = load_elf(mem, img, len, kernel_addr, res, why, sizeof(why));
	unmap_whole_file(img, len);
	if (r)
		snprintf(err, errlen, "%s: bad kernel image: %s", path, why);
	return r;
}

int load_payload_file(struct guest_mem *mem, const char *path,
		      struct load_result *res, char *err, size_t errlen)
{
	const void *img;
	void *dst;
	size_t len;
	int r;

	r = map_whole_file(path, &img, &len, KERNEL_MAX_FILE);
	if (r) {
		snprintf(err, errlen, "%s: cannot read payload: %s", path, strerror(-r));
		return r;
	}
	dst = guest_ptr(mem, 0, len);
	if (!len || !dst) {
		unmap_whole_file(img, len);
		snprintf(err, errlen, "%s: payload is empty or larger than RAM", path);
		return -EFBIG;
	}
	memcpy(dst, img, len);
	unmap_whole_file(img, len);
	*res = (struct load_result){ .entry = 0, .start = 0, .end = len, .little_endian = 1 };
	return 0;
}

int load_initrd_file(struct guest_mem *mem, const char *path, uint64_t floor,
		     uint64_t top, uint64_t *gpa, uint64_t *size, char *err, size_t errlen)
{
	const void *img;
	void *dst;
	uint64_t at;
	size_t len;
	int r;

	r = map_whole_file(path, &img, &len, mem->size);
	if (r == -EFBIG) {
		snprintf(err, errlen, "%s: initrd is larger than guest RAM (%llu MiB)", path,
			 (unsigned long long)(mem->size / MiB));
		return r;
	}
	if (r) {
		snprintf(err, errlen, "%s: cannot read initrd: %s", path, strerror(-r));
		return r;
	}
	at = len <= top ? ALIGN_DOWN(top - len, INITRD_ALIGN) : 0;
	if (len > top || at < floor || !(dst = guest_ptr(mem, at, len))) {
		unmap_whole_file(img, len);
		snprintf(err, errlen, "%s: initrd (%zu bytes) does not fit between the kernel "
			 "(ends 0x%llx) and 0x%llx; give the guest more memory", path, len,
			 (unsigned long long)floor, (unsigned long long)top);
		return -EFBIG;
	}
	memcpy(dst, img, len);
	unmap_whole_file(img, len);
	*gpa = at;
	*size = len;
	return 0;
}
