/* loader.c: ELF kernels, payloads and initrds into guest RAM. */
#include "test.h"
#include "guest_mem.h"
#include "layout.h"
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>

#define RAM (16 * MiB)

static struct guest_mem mem;
static uint8_t img[8192];
static char err[256];

static void put(uint8_t *p, uint64_t v, int bytes, int le)
{
	for (int i = 0; i < bytes; i++)
		p[le ? i : bytes - 1 - i] = v >> (8 * i);
}

/* A one-segment ppc64 vmlinux-like ELF: 256 bytes of code at file offset
 * 0x1000, vaddr 0xc000000000000000, paddr 0, memsz 0x2000 (bss). */
static size_t make_elf(int le, int machine)
{
	uint8_t *e = img, *ph = img + 64;

	memset(img, 0, sizeof(img));
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = ELFCLASS64;
	e[EI_DATA] = le ? ELFDATA2LSB : ELFDATA2MSB;
	e[EI_VERSION] = EV_CURRENT;
	put(e + offsetof(Elf64_Ehdr, e_type), ET_EXEC, 2, le);
	put(e + offsetof(Elf64_Ehdr, e_machine), machine, 2, le);
	put(e + offsetof(Elf64_Ehdr, e_entry), 0xc000000000000010ULL, 8, le);
	put(e + offsetof(Elf64_Ehdr, e_phoff), 64, 8, le);
	put(e + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2, le);
	put(e + offsetof(Elf64_Ehdr, e_phnum), 1, 2, le);
	put(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD, 4, le);
	put(ph + offsetof(Elf64_Phdr, p_offset), 0x1000, 8, le);
	put(ph + offsetof(Elf64_Phdr, p_vaddr), 0xc000000000000000ULL, 8, le);
	put(ph + offsetof(Elf64_Phdr, p_paddr), 0, 8, le);
	put(ph + offsetof(Elf64_Phdr, p_filesz), 0x100, 8, le);
	put(ph + offsetof(Elf64_Phdr, p_memsz), 0x2000, 8, le);
	memset(img + 0x1000, 0xab, 0x100);
	return 0x1100;
}

static int load(size_t len)
{
	struct load_result r;
	int rc;

	if (!mem.host)
		guest_mem_alloc(&mem, RAM, false);
	memset(mem.host, 0x55, 0x3000);
	rc = load_elf(&mem, img, len, KERNEL_ADDR_DEFAULT, &r, err, sizeof(err));
	if (!rc) {
		CHECK_EQ(r.entry, 0x10);
		CHECK_EQ(r.end, 0x2000);
	}
	return rc;
}

TEST(loader_le_and_be_elf)
{
	size_t n = make_elf(1, EM_PPC64);

	CHECK_EQ(load(n), 0);
	CHECK_EQ(mem.host[0], 0xab);
	CHECK_EQ(mem.host[0xff], 0xab);
	CHECK_EQ(mem.host[0x100], 0);		/* bss zeroed */
	CHECK_EQ(mem.host[0x1fff], 0);
	CHECK_EQ(mem.host[0x2000], 0x55);	/* nothing beyond memsz */
	n = make_elf(0, EM_PPC64);
	CHECK_EQ(load(n), 0);
}

static void bad(size_t len, const char *why)
{
	err[0] = '\0';
	CHECK_EQ(load(len), -ENOEXEC);
	CHECK_STR_CONTAINS(err, why);
}

/* Linux or not: linked at 0xc000000000000000, or a "Linux" note. */
TEST(loader_tells_linux_from_other_images)
{
	struct load_result r;
	uint8_t *ph2 = img + 64 + sizeof(Elf64_Phdr);
	size_t n = make_elf(1, EM_PPC64);

	if (!mem.host)
		guest_mem_alloc(&mem, RAM, false);
	CHECK_EQ(load_elf(&mem, img, n, KERNEL_ADDR_DEFAULT, &r, err, sizeof(err)), 0);
	CHECK(r.linux_kernel);
	/* linked at 0, no notes: not Linux */
	put(img + offsetof(Elf64_Ehdr, e_entry), 0x10, 8, 1);
	put(img + 64 + offsetof(Elf64_Phdr, p_vaddr), 0, 8, 1);
	CHECK_EQ(load_elf(&mem, img, n, KERNEL_ADDR_DEFAULT, &r, err, sizeof(err)), 0);
	CHECK(!r.linux_kernel);
	/* a second program header: a PT_NOTE owned by "Linux" at 0x1800 */
	put(img + offsetof(Elf64_Ehdr, e_phnum), 2, 2, 1);
	put(ph2 + offsetof(Elf64_Phdr, p_type), PT_NOTE, 4, 1);
	put(ph2 + offsetof(Elf64_Phdr, p_offset), 0x1800, 8, 1);
	put(ph2 + offsetof(Elf64_Phdr, p_filesz), 24, 8, 1);
	put(img + 0x1800, 4, 4, 1);		/* a "GNU" note first */
	put(img + 0x1804, 0, 4, 1);
	memcpy(img + 0x180c, "GNU", 4);
	CHECK_EQ(load_elf(&mem, img, 0x1900, 0, &r, err, sizeof(err)), 0);
	CHECK(!r.linux_kernel);
	put(ph2 + offsetof(Elf64_Phdr, p_filesz), 40, 8, 1);
	put(img + 0x1810, 6, 4, 1);
	put(img + 0x1814, 4, 4, 1);
	memcpy(img + 0x181c, "Linux", 6);
	CHECK_EQ(load_elf(&mem, img, 0x1900, 0, &r, err, sizeof(err)), 0);
	CHECK(r.linux_kernel);
	/* a note segment past the end of the file is not read */
	put(ph2 + offsetof(Elf64_Phdr, p_offset), 0x18f0, 8, 1);
	CHECK_EQ(load_elf(&mem, img, 0x1900, 0, &r, err, sizeof(err)), 0);
	CHECK(!r.linux_kernel);
}

/* An ELF that is not Linux goes where QEMU's pseries puts it: its
 * addresses' low 28 bits plus kernel-addr; entry likewise. */
TEST(loader_places_other_images_at_kernel_addr)
{
	struct load_result r;
	size_t n = make_elf(1, EM_PPC64);

	if (!mem.host)
		guest_mem_alloc(&mem, RAM, false);
	/* linked at 0, entry 0x10: loaded at 0x400000, entered at 0x400010 */
	put(img + offsetof(Elf64_Ehdr, e_entry), 0x10, 8, 1);
	put(img + 64 + offsetof(Elf64_Phdr, p_vaddr), 0, 8, 1);
	memset(mem.host, 0x55, 0x500000);
	CHECK_EQ(load_elf(&mem, img, n, KERNEL_ADDR_DEFAULT, &r, err, sizeof(err)), 0);
	CHECK(!r.linux_kernel);
	CHECK_EQ(r.start, 0x400000);
	CHECK_EQ(r.entry, 0x400010);
	CHECK_EQ(r.end, 0x402000);
	CHECK_EQ(mem.host[0x400000], 0xab);
	CHECK_EQ(mem.host[0x400100], 0);		/* bss zeroed */
	CHECK_EQ(mem.host[0x100], 0x55);		/* vectors untouched */
	/* paddr 0x20001000 (top bits dropped as QEMU's mask does), kernel-addr 0x800000 */
	put(img + 64 + offsetof(Elf64_Phdr, p_paddr), 0x20001000, 8, 1);
	put(img + 64 + offsetof(Elf64_Phdr, p_vaddr), 0x1000, 8, 1);
	put(img + offsetof(Elf64_Ehdr, e_entry), 0x1000, 8, 1);
	CHECK_EQ(load_elf(&mem, img, n, 0x800000, &r, err, sizeof(err)), 0);
	CHECK_EQ(r.start, 0x801000);
	CHECK_EQ(r.entry, 0x801000);
	/* --kernel-addr 0: at its own addresses, like a raw payload */
	CHECK_EQ(load_elf(&mem, img, n, 0, &r, err, sizeof(err)), 0);
	CHECK_EQ(r.start, 0x1000);
	/* past the end of RAM: refused with the reason */
	CHECK(load_elf(&mem, img, n, RAM - 0x1000, &r, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, "does not fit");
	/* a vmlinux ignores kernel-addr: physical 0 */
	n = make_elf(1, EM_PPC64);
	CHECK_EQ(load_elf(&mem, img, n, 0x800000, &r, err, sizeof(err)), 0);
	CHECK(r.linux_kernel);
	CHECK_EQ(r.start, 0);
	CHECK_EQ(r.entry, 0x10);
}

TEST(loader_rejects_bad_images)
{
	size_t n;

	n = make_elf(1, EM_PPC64);
	img[0] = 'X';
	bad(n, "not an ELF");
	n = make_elf(1, EM_PPC64);
	img[EI_CLASS] = ELFCLASS32;
	bad(n, "not a 64-bit ELF");
	n = make_elf(1, EM_X86_64);
	bad(n, "not a ppc64 image");
	n = make_elf(1, EM_PPC64);
	bad(100, "program headers");		/* truncated before the phdrs end */
	bad(0x1080, "truncated");		/* segment past the end of the file */
	bad(10, "not an ELF");
	n = make_elf(1, EM_PPC64);
	put(img + 64 + offsetof(Elf64_Phdr, p_memsz), RAM + 1, 8, 1);
	bad(n, "does not fit");
	n = make_elf(1, EM_PPC64);
	put(img + 64 + offsetof(Elf64_Phdr, p_paddr), UINT64_MAX - 0xc000000000000fffULL, 8, 1);
	bad(n, "does not fit");
	n = make_elf(1, EM_PPC64);
	put(img + 64 + offsetof(Elf64_Phdr, p_type), PT_NOTE, 4, 1);
	bad(n, "no loadable segments");
	n = make_elf(1, EM_PPC64);
	put(img + offsetof(Elf64_Ehdr, e_entry), 0xc000000010000000ULL, 8, 1);
	bad(n, "entry point");
	n = make_elf(1, EM_PPC64);
	put(img + offsetof(Elf64_Ehdr, e_phnum), 60000, 2, 1);
	bad(n, "program headers");
}

TEST(loader_initrd_placement)
{
	const char *path = "/tmp/pvmm-unit-initrd";
	uint64_t gpa, size;
	FILE *f = fopen(path, "w");

	if (!mem.host)
		guest_mem_alloc(&mem, RAM, false);
	for (int i = 0; i < 100000; i++)
		fputc(i & 0xff, f);
	fclose(f);
	CHECK_EQ(load_initrd_file(&mem, path, 0x10000, 8 * MiB, &gpa, &size, err, sizeof(err)), 0);
	CHECK_EQ(size, 100000);
	CHECK(gpa + size <= 8 * MiB);
	CHECK_EQ(gpa % INITRD_ALIGN, 0);
	CHECK_EQ(mem.host[gpa + 99999], 99999 & 0xff);
	/* not above the kernel's end */
	CHECK_EQ(load_initrd_file(&mem, path, 8 * MiB - 0x10000, 8 * MiB, &gpa, &size, err, sizeof(err)), -EFBIG);
	CHECK_STR_CONTAINS(err, "does not fit");
	f = fopen(path, "w");
	fseek(f, RAM + 1, SEEK_SET);
	fputc(0, f);
	fclose(f);
	CHECK_EQ(load_initrd_file(&mem, path, 0, RAM, &gpa, &size, err, sizeof(err)), -EFBIG);
	CHECK_STR_CONTAINS(err, "larger than guest RAM");
	CHECK(load_initrd_file(&mem, "/nonexistent", 0, RAM, &gpa, &size, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, "/nonexistent: cannot read initrd");
	remove(path);
}

TEST(loader_kernel_file_errors_name_the_file)
{
	struct load_result r;

	if (!mem.host)
		guest_mem_alloc(&mem, RAM, false);
	CHECK(load_kernel_file(&mem, "/nonexistent/vmlinux", KERNEL_ADDR_DEFAULT, &r, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, "/nonexistent/vmlinux: cannot read kernel");
}
