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
#include <sys/stat.h>
#include <unistd.h>

#define KERNEL_MAX_FILE (512 * MiB)

int read_whole_file(const char *path, void **buf, size_t *len, size_t max)
{
	struct stat st;
	size_t done = 0;
	uint8_t *p;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		e = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		close(fd);
		return e;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	p = malloc(st.st_size ? st.st_size : 1);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, st.st_size - done);
		if (n <= 0) {
			e = n < 0 ? -errno : -EIO;
			free(p);
			close(fd);
			return e;
		}
		done += n;
	}
	close(fd);
	*buf = p;
	*len = done;
	return 0;
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

int load_elf(struct guest_mem *mem, const void *img, size_t len,
	     struct load_result *res, char *err, size_t errlen)
{
	struct elf_reader r = { img, len, 0 };
	uint64_t phoff, entry, end = 0, entry_phys = UINT64_MAX;
	unsigned int phnum, phentsize, loaded = 0;
	const uint8_t *e = img;

	if (len < sizeof(Elf64_Ehdr) || memcmp(e, ELFMAG, SELFMAG))
		EFAIL("not an ELF file");
	if (e[EI_CLASS] != ELFCLASS64)
		EFAIL("not a 64-bit ELF (class %u)", e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB)
		EFAIL("unknown ELF byte order %u", e[EI_DATA]);
	r.le = e[EI_DATA] == ELFDATA2LSB;
	if (rd(&r, offsetof(Elf64_Ehdr, e_machine), 2) != EM_PPC64)
		EFAIL("not a ppc64 image (ELF machine %llu)",
		      (unsigned long long)rd(&r, offsetof(Elf64_Ehdr, e_machine), 2));
	if (rd(&r, offsetof(Elf64_Ehdr, e_type), 2) != ET_EXEC && rd(&r, offsetof(Elf64_Ehdr, e_type), 2) != ET_DYN)
		EFAIL("not an executable ELF");
	phoff = rd(&r, offsetof(Elf64_Ehdr, e_phoff), 8);
	phnum = rd(&r, offsetof(Elf64_Ehdr, e_phnum), 2);
	phentsize = rd(&r, offsetof(Elf64_Ehdr, e_phentsize), 2);
	entry = rd(&r, offsetof(Elf64_Ehdr, e_entry), 8);
	if (phentsize != sizeof(Elf64_Phdr) || phnum == 0 || phnum > 64 ||
	    phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		EFAIL("truncated or corrupt program headers");

	for (unsigned int i = 0; i < phnum; i++) {
		size_t ph = phoff + (size_t)i * phentsize;
		uint64_t off, vaddr, paddr, filesz, memsz;
		uint8_t *dst;

		if (rd(&r, ph + offsetof(Elf64_Phdr, p_type), 4) != PT_LOAD)
			continue;
		off = rd(&r, ph + offsetof(Elf64_Phdr, p_offset), 8);
		vaddr = rd(&r, ph + offsetof(Elf64_Phdr, p_vaddr), 8);
		paddr = rd(&r, ph + offsetof(Elf64_Phdr, p_paddr), 8);
		filesz = rd(&r, ph + offsetof(Elf64_Phdr, p_filesz), 8);
		memsz = rd(&r, ph + offsetof(Elf64_Phdr, p_memsz), 8);
		/* vmlinux links at 0xc000000000000000 with p_paddr 0. */
		paddr &= ~0xc000000000000000ULL;
		if (filesz > memsz || off > len || filesz > len - off)
			EFAIL("truncated: segment %u needs bytes %llu..%llu of %zu", i,
			      (unsigned long long)off, (unsigned long long)(off + filesz), len);
		dst = guest_ptr(mem, paddr, memsz);
		if (!dst)
			EFAIL("segment %u (0x%llx + 0x%llx) does not fit in %llu MiB of RAM", i,
			      (unsigned long long)paddr, (unsigned long long)memsz,
			      (unsigned long long)(mem->size / MiB));
		memcpy(dst, e + off, filesz);
		memset(dst + filesz, 0, memsz - filesz);
		if (entry >= vaddr && entry - vaddr < memsz)
			entry_phys = paddr + (entry - vaddr);
		if (paddr + memsz > end)
			end = paddr + memsz;
		loaded++;
	}
	if (!loaded)
		EFAIL("no loadable segments");
	if (entry_phys == UINT64_MAX)
		EFAIL("entry point 0x%llx is outside every segment", (unsigned long long)entry);
	res->entry = entry_phys;
	res->end = end;
	res->little_endian = r.le;
	res->linux_kernel = elf_is_linux(&r, phoff, phnum, entry);
	return 0;
}

int load_kernel_file(struct guest_mem *mem, const char *path,
		     struct load_result *res, char *err, size_t errlen)
{
	char why[200];
	size_t len;
	void *img;
	int r;

	r = read_whole_file(path, &img, &len, KERNEL_MAX_FILE);
	if (r) {
		snprintf(err, errlen, "%s: cannot read kernel: %s", path, strerror(-r));
		return r;
	}
	r = load_elf(mem, img, len, res, why, sizeof(why));
	free(img);
	if (r)
		snprintf(err, errlen, "%s: bad kernel image: %s", path, why);
	return r;
}

int load_payload_file(struct guest_mem *mem, const char *path,
		      struct load_result *res, char *err, size_t errlen)
{
	size_t len;
	void *img, *dst;
	int r;

	r = read_whole_file(path, &img, &len, KERNEL_MAX_FILE);
	if (r) {
		snprintf(err, errlen, "%s: cannot read payload: %s", path, strerror(-r));
		return r;
	}
	dst = guest_ptr(mem, 0, len);
	if (!len || !dst) {
		free(img);
		snprintf(err, errlen, "%s: payload is empty or larger than RAM", path);
		return -EFBIG;
	}
	memcpy(dst, img, len);
	free(img);
	res->entry = 0;
	res->end = len;
	res->little_endian = 1;
	res->linux_kernel = false;
	return 0;
}

int load_initrd_file(struct guest_mem *mem, const char *path, uint64_t floor,
		     uint64_t top, uint64_t *gpa, uint64_t *size, char *err, size_t errlen)
{
	uint64_t at;
	size_t len;
	void *img, *dst;
	int r;

	r = read_whole_file(path, &img, &len, mem->size);
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
		free(img);
		snprintf(err, errlen, "%s: initrd (%zu bytes) does not fit between the kernel "
			 "(ends 0x%llx) and 0x%llx; give the guest more memory", path, len,
			 (unsigned long long)floor, (unsigned long long)top);
		return -EFBIG;
	}
	memcpy(dst, img, len);
	free(img);
	*gpa = at;
	*size = len;
	return 0;
}
