/* config.c: INI parsing, overrides, validation, one-line errors. */
#include "test.h"
#include "config.h"
#include "layout.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/pvmm-unit-XXXXXX";

static void remove_dir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("  could not remove %s\n", dir);
}

static const char *write_ini(const char *name, const char *text)
{
	static char path[512];
	static int made;
	FILE *f;

	/* A flag, not the template's last letter: mkdtemp's name may end in X. */
	if (!made) {
		if (!mkdtemp(dir))
			return NULL;
		atexit(remove_dir);
		made = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int load(const char *name, const char *text, struct vm_config *c, char *err)
{
	config_defaults(c);
	return config_load_file(c, write_ini(name, text), err, CONFIG_ERR_LEN);
}

TEST(config_defaults_are_sane)
{
	struct vm_config c;

	config_defaults(&c);
	CHECK_EQ(c.ram_size, 512 * MiB);
	CHECK_EQ(c.vcpus, 1);
	CHECK_EQ(c.tce, TCE_AUTO);
	CHECK_EQ(c.console, CONSOLE_STDIO);
	CHECK(!c.pin_before_boot);		/* pinned while the guest boots */
}

/* The default command line goes to Linux kernels only; a given one, even
 * empty, to every image as it is. */
TEST(config_default_cmdline_linux_only)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN];

	config_defaults(&c);
	CHECK_EQ(c.cmdline[0], 0);
	config_default_cmdline(&c, false);
	CHECK_EQ(c.cmdline[0], 0);
	config_default_cmdline(&c, true);
	CHECK(!strcmp(c.cmdline, CONFIG_DEFAULT_CMDLINE));
	config_defaults(&c);
	CHECK_EQ(config_set(&c, "command line", "vm:cmdline", "", NULL, err, sizeof(err)), 0);
	config_default_cmdline(&c, true);
	CHECK_EQ(c.cmdline[0], 0);
	CHECK_EQ(config_set(&c, "command line", "vm:cmdline", "a=1", NULL, err, sizeof(err)), 0);
	config_default_cmdline(&c, false);
	CHECK(!strcmp(c.cmdline, "a=1"));
}

TEST(config_rtc_base)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN];

	config_defaults(&c);
	CHECK_EQ(c.rtc_base, RTC_UTC);
	CHECK_EQ(config_rtc_offset(&c, 1000000), 0);
	CHECK_EQ(config_set(&c, "command line", "vm:rtc_base", "2006-06-17T16:01:21", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.rtc_base, RTC_DATE);
	CHECK_EQ(c.rtc_base_date, 1150560081);
	CHECK_EQ(config_rtc_offset(&c, 1150560081 + 100), -100);
	CHECK_EQ(config_set(&c, "x.ini", "vm:rtc_base", "2000-02-29", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.rtc_base_date, 951782400);
	CHECK_EQ(config_set(&c, "x.ini", "vm:rtc_base", "localtime", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.rtc_base, RTC_LOCALTIME);
	CHECK_EQ(config_set(&c, "x.ini", "vm:rtc_base", "utc", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.rtc_base, RTC_UTC);
	static const char *bad[] = { "yesterday", "2006-02-30", "2006-06-17T25:00:00", "1969-12-31",
				     "2006-06-17T16:01", "2006-06-17T16:01:21Z", "2006-6-1", "", "UTC" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(config_set(&c, "x.ini", "vm:rtc_base", bad[i], NULL, err, sizeof(err)), -EINVAL);
		CHECK_STR_CONTAINS(err, "x.ini: vm:rtc_base: expected utc, localtime or a date");
	}
}

TEST(config_kernel_addr)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN];

	config_defaults(&c);
	CHECK_EQ(c.kernel_addr, 0x400000);
	CHECK_EQ(config_set(&c, "command line", "vm:kernel_addr", "0x800000", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.kernel_addr, 0x800000);
	CHECK_EQ(config_set(&c, "command line", "vm:kernel_addr", "0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.kernel_addr, 0);
	CHECK_EQ(config_set(&c, "command line", "vm:kernel_addr", "high", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "command line: vm:kernel_addr: not a guest address");
	CHECK_EQ(config_set(&c, "command line", "vm:kernel_addr", "0x10000000000000", NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ(config_set(&c, "command line", "vm:payload", "/p", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "vm:kernel_addr: a raw payload is loaded at 0");
}

TEST(config_threads)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN];

	config_defaults(&c);
	CHECK_EQ(c.threads, 1);
	CHECK_EQ(config_set(&c, "command line", "vm:threads", "2", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.threads, 2);
	CHECK_EQ(config_set(&c, "command line", "vm:threads", "3", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "command line: vm:threads: not a thread count per core 1, 2, 4 or 8");
	CHECK_EQ(config_set(&c, "command line", "vm:threads", "16", NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ(config_set(&c, "command line", "vm:threads", "0", NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ(config_set(&c, "command line", "vm:kernel", "/k", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "command line", "vm:vcpus", "3", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "vm:threads: 3 vcpus do not make whole cores of 2 threads");
	CHECK_EQ(config_set(&c, "command line", "vm:vcpus", "4", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), 0);
}

TEST(config_good_file)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	CHECK_EQ(load("good.ini", "; comment\n[vm]\nmemory = 1G\nvcpus = 4\nkernel = vmlinux\n"
		      "initrd = /abs/initrd\ncmdline = \"console=hvc0 quiet\"\nconsole = none\n"
		      "hugepages = on\npin_before_boot = on\n[pci]\nhost = 0000:01:00.0\n"
		      "tce = user\nddw = off\nkvm_stuff_tce = on\nddw_max_size = 1G\n", &c, err), 0);
	CHECK_EQ(c.ram_size, 1 * GiB);
	CHECK_EQ(c.vcpus, 4);
	/* relative paths are relative to the INI file's directory */
	CHECK_STR_CONTAINS(c.kernel, dir);
	CHECK_STR_CONTAINS(c.kernel, "/vmlinux");
	CHECK(!strcmp(c.initrd, "/abs/initrd"));
	CHECK(!strcmp(c.cmdline, "console=hvc0 quiet"));
	CHECK_EQ(c.console, CONSOLE_NONE);
	CHECK_EQ(c.nr_devs, 1u);
	CHECK(!strcmp(c.devs[0].host, "0000:01:00.0"));
	CHECK_EQ(c.tce, TCE_USER);
	CHECK(c.tce_explicit);
	CHECK(!c.ddw);
	CHECK_EQ(c.ddw_max_size, 1 * GiB);
	CHECK(c.kvm_stuff_tce);
	CHECK(!c.kvm_indirect_tce);			/* the default: safe */
	CHECK(c.hugepages);
	CHECK(c.pin_before_boot);
	CHECK_EQ(config_validate(&c, "good.ini", err, sizeof(err)), 0);
}

TEST(config_memory_units)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN];

	config_defaults(&c);
	CHECK_EQ(config_set(&c, "command line", "vm:memory", "2048", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.ram_size, 2 * GiB);
	CHECK_EQ(config_set(&c, "command line", "vm:memory", "262144K", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.ram_size, 256 * MiB);
	CHECK_EQ(config_set(&c, "command line", "vm:memory", "64MB", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.ram_size, 64 * MiB);
	CHECK_EQ(config_set(&c, "command line", "vm:memory", "18446744073709551615G", NULL, err, sizeof(err)), -EINVAL);
}

/* Every error: -EINVAL, one line, naming the file and the key. */
static void bad(const char *text, const char *key, const char *reason)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	CHECK_EQ(load("bad.ini", text, &c, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "bad.ini");
	CHECK_STR_CONTAINS(err, key);
	CHECK_STR_CONTAINS(err, reason);
	CHECK(!strchr(err, '\n'));
}

TEST(config_bad_files)
{
	bad("[disk]\nfile = x\n", "disk", "unknown section");
	bad("[vm]\nmemroy = 512\n", "vm:memroy", "unknown key");
	bad("memory = 512\n[vm]\n", ":memory", "unknown key");
	bad("[vm]\nmemory = lots\n", "vm:memory", "not a size");
	bad("[vm]\nmemory = 32\n", "vm:memory", "outside");
	bad("[vm]\nmemory = 1024G\n", "vm:memory", "outside");
	bad("[vm]\nmemory = 100001K\n", "vm:memory", "multiple of 64 KiB");
	bad("[vm]\nvcpus = 0\n", "vm:vcpus", "vcpu count");
	bad("[vm]\nvcpus = 65\n", "vm:vcpus", "vcpu count");
	bad("[vm]\nvcpus = two\n", "vm:vcpus", "vcpu count");
	bad("[vm]\nconsole = vga\n", "vm:console", "stdio or none");
	bad("[pci]\ntce = fast\n", "pci:tce", "kernel, user or auto");
	bad("[pci]\nddw = perhaps\n", "pci:ddw", "on or off");
	bad("[pci]\nddw_max_size = big\n", "pci:ddw_max_size", "not a size");
	bad("[pci]\nddw_max_size = 96M\n", "pci:ddw_max_size", "not a power of two");
	bad("[pci]\nddw_max_size = 512K\n", "pci:ddw_max_size", "not a power of two");
	bad("[pci]\nkvm_stuff_tce = 1x\n", "pci:kvm_stuff_tce", "on or off");
	bad("[pci]\nkvm_indirect_tce = yes please\n", "pci:kvm_indirect_tce", "on or off");
	bad("[pci]\ntrusted_guest = trusted\n", "pci:trusted_guest", "on or off");
	bad("[vm]\nhugepages = 2M\n", "vm:hugepages", "on or off");
	bad("[vm]\npin_before_boot = later\n", "vm:pin_before_boot", "on or off");
	bad("[pci]\nhost = 1:0.0\n", "pci:host", "PCI address");
	bad("[pci]\nhost = 0000:01:20.0\n", "pci:host", "PCI address");
	bad("[vm\nmemory = 512\n", "line 1", "syntax error");
}

/* Safe by default: KVM serves neither multi-TCE hcall until the user says
 * the guest is trusted; trusted_guest sets both, later keys still win. */
TEST(config_trusted_guest)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK(!c.kvm_indirect_tce);
	CHECK(!c.kvm_stuff_tce);
	CHECK_EQ(config_set(&c, "command line", "pci:trusted_guest", "on", NULL, err, sizeof(err)), 0);
	CHECK(c.kvm_indirect_tce);
	CHECK(c.kvm_stuff_tce);
	CHECK_EQ(config_set(&c, "command line", "pci:kvm_stuff_tce", "off", NULL, err, sizeof(err)), 0);
	CHECK(c.kvm_indirect_tce);
	CHECK(!c.kvm_stuff_tce);
	CHECK_EQ(config_set(&c, "command line", "pci:trusted_guest", "off", NULL, err, sizeof(err)), 0);
	CHECK(!c.kvm_indirect_tce);
}

TEST(config_missing_file)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK_EQ(config_load_file(&c, "/nonexistent/pvmm.ini", err, sizeof(err)), -ENOENT);
	CHECK_STR_CONTAINS(err, "/nonexistent/pvmm.ini: cannot open");
}

TEST(config_validate_cross_keys)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK_EQ(config_validate(&c, "x.ini", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "x.ini: vm:kernel: no kernel");
	strcpy(c.kernel, "/k");
	strcpy(c.payload, "/p");
	CHECK_EQ(config_validate(&c, "x.ini", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "vm:payload");
	c.payload[0] = '\0';
	CHECK_EQ(config_set(&c, "command line", "pci:tce", "kernel", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "command line: pci:tce");
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0000:01:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), 0);
}

/* Several functions: --pci repeatable (the first replaces the file's
 * list), BDF,phb=N, [pci.NAME] sections, [phb.N] tce/ddw, duplicates. */
TEST(config_several_devices)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK_EQ(config_set(&c, "f.ini", "pci:host", "0000:01:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "f.ini", "pci.nic2:host", "0001:00:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "f.ini", "pci.nic2:phb", "3", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "f.ini", "phb.3:tce", "user", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "f.ini", "phb.3:ddw", "off", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.nr_devs, 2u);
	CHECK_EQ(c.devs[1].phb, 3);
	CHECK_EQ(config_phb_tce(&c, 3, NULL), TCE_USER);
	CHECK_EQ(config_phb_tce(&c, 0, NULL), TCE_AUTO);
	CHECK(!config_phb_ddw(&c, 3));
	CHECK(config_phb_ddw(&c, 0));
	strcpy(c.kernel, "/k");
	CHECK_EQ(config_validate(&c, "f.ini", err, sizeof(err)), 0);
	/* The command line replaces the file's devices, then appends. */
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0002:00:00.0,phb=1", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0003:00:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(c.nr_devs, 2u);
	CHECK(!strcmp(c.devs[0].host, "0002:00:00.0"));
	CHECK_EQ(c.devs[0].phb, 1);
	CHECK_EQ(c.devs[1].phb, -1);
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0002:00:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "0002:00:00.0 is given twice");
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0004:00:00.0,phb=8", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "BDF,phb=N");
	CHECK_EQ(config_set(&c, "f.ini", "phb.9:tce", "user", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "phb.9:tce");
	CHECK_EQ(config_set(&c, "f.ini", "phb.1:host", "x", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "unknown key");
}

/* user_coalesce: on by default, [pci] for every PHB, [phb.N] over it,
 * the command line over the file. */
TEST(config_user_coalesce)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK(c.user_coalesce);
	CHECK(config_phb_user_coalesce(&c, 0));
	CHECK_EQ(load("uc.ini", "[pci]\nuser_coalesce = off\n[phb.2]\nuser_coalesce = on\n", &c, err), 0);
	CHECK(!config_phb_user_coalesce(&c, 0));
	CHECK(config_phb_user_coalesce(&c, 2));
	CHECK_EQ(config_set(&c, "command line", "pci:user_coalesce", "on", NULL, err, sizeof(err)), 0);
	CHECK(config_phb_user_coalesce(&c, 0));
	CHECK_EQ(config_set(&c, "f.ini", "phb.1:user_coalesce", "sometimes", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "phb.1:user_coalesce: expected on or off");
	CHECK_EQ(config_set(&c, "f.ini", "phb.1:coalesce", "on", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "tce, ddw and user_coalesce");
	CHECK_EQ(load("uc2.ini", "[pci]\nuser_coalesce = maybe\n", &c, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "pci:user_coalesce: expected on or off");
}

/* [pci] bind / bind_force (--bind / --force): off by default, need a device,
 * and force means nothing without bind. */
TEST(config_bind)
{
	struct vm_config c;
	char err[CONFIG_ERR_LEN] = "";

	config_defaults(&c);
	CHECK(!c.bind);
	CHECK(!c.bind_force);
	strcpy(c.kernel, "/k");
	CHECK_EQ(load("b.ini", "[vm]\nkernel = /k\n[pci]\nbind = on\n", &c, err), 0);
	CHECK(c.bind);
	CHECK_EQ(config_validate(&c, "b.ini", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "b.ini: pci:bind: binding needs a passthrough device");
	CHECK_EQ(config_set(&c, "command line", "pci:host", "0000:01:00.0", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "b.ini", err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "command line", "pci:bind", "off", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_set(&c, "command line", "pci:bind_force", "on", NULL, err, sizeof(err)), 0);
	CHECK_EQ(config_validate(&c, "command line", err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "pci:bind_force: forces --bind, which is off");
	CHECK_EQ(load("b2.ini", "[pci]\nbind = sure\n", &c, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "pci:bind: expected on or off");
}
