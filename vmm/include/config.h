/*
 * The VM's configuration: INI file (iniparser) plus command-line overrides,
 * validated into struct vm_config. Pure: no KVM, no devices.
 * Every error is one line naming the source (file or "command line"), the
 * key and the reason.
 */
#ifndef PVMM_CONFIG_H
#define PVMM_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "layout.h"

#define CONFIG_ERR_LEN 512
#define CMDLINE_MAX 2048

enum console_mode { CONSOLE_STDIO, CONSOLE_NONE };
enum tce_mode { TCE_AUTO, TCE_KERNEL, TCE_USER };
enum reboot_action { REBOOT_EXIT, REBOOT_RESTART };
/* Where the guest's time of day starts (QEMU's -rtc base=). */
enum rtc_base { RTC_UTC, RTC_LOCALTIME, RTC_DATE };

#define PCI_DEVS_MAX	16			/* passthrough functions per VM */
#define PHB_MAX		PHB_MAX_INDEX		/* guest PHBs */
#define BDF_LEN		16			/* "dddd:bb:dd.f" */

struct pci_dev_config {
	char host[BDF_LEN];			/* host BDF, e.g. 0000:01:00.0 */
	int phb;				/* guest PHB index, -1: by IOMMU group */
	char key[48];				/* where it was given, for errors */
};

/* A [phb.N] section: what it sets overrides [pci]'s tce, ddw and
 * user_coalesce. */
struct phb_config {
	bool tce_set, ddw_set, user_coalesce_set;
	enum tce_mode tce;
	bool ddw;
	bool user_coalesce;
};

struct vm_config {
	uint64_t ram_size;			/* bytes */
	unsigned int vcpus;
	unsigned int threads;			/* per virtual core: 1, 2, 4 or 8 */
	char kernel[PATH_MAX];			/* vmlinux (ELF) */
	char payload[PATH_MAX];			/* or a bare-metal payload (raw binary) */
	uint64_t kernel_addr;			/* where a non-Linux ELF kernel goes */
	bool kernel_addr_given;
	char initrd[PATH_MAX];
	char cmdline[CMDLINE_MAX];
	bool cmdline_given;			/* -p or [vm] cmdline, even empty */
	enum console_mode console;
	enum reboot_action on_reboot;
	enum rtc_base rtc_base;
	int64_t rtc_base_date;			/* RTC_DATE: seconds since 1970, UTC */
	char stats_json[PATH_MAX];		/* write the exit summary as JSON here */
	bool hugepages;				/* guest RAM on the default huge pages */
	/* Pin guest RAM for VFIO before the guest's first instruction, as
	 * QEMU does; off (default): while the guest boots, the first DMA
	 * mapping waiting for it (vfio.h, vfio_ram_pin_start). */
	bool pin_before_boot;
	/* PCI passthrough: the functions, each on a guest PHB (phb = -1:
	 * one PHB per host IOMMU group, placed at set-up), and the TCE mode
	 * and DDW of every PHB that has no [phb.N] of its own. */
	struct pci_dev_config devs[PCI_DEVS_MAX];
	unsigned int nr_devs;
	bool devs_from_cmdline;			/* the first --pci replaced the INI's list */
	struct phb_config phbs[PHB_MAX];
	enum tce_mode tce;
	bool tce_explicit;			/* the user named the mode */
	bool ddw;
	/* The largest DDW window the guest may create, bytes (a power of
	 * two); 0: as large as guest RAM needs. Below guest RAM the guest
	 * cannot map all of it once and maps pages as it uses them, in the
	 * window (the regime of hosts whose RAM exceeds the window's reach). */
	uint64_t ddw_max_size;
	/* TCE hcalls pvmm serves (mode user, and H_PUT_TCE_INDIRECT /
	 * H_STUFF_TCE in mode kernel): one VFIO map/unmap per run of
	 * contiguous entries (default), or per entry, so that a benchmark
	 * can show both. */
	bool user_coalesce;
	/* Mode kernel: let KVM serve H_STUFF_TCE too. Linux 6.12 (and upstream
	 * as of this writing) checks only its first entry against the window,
	 * so a guest can make the host kernel clear memory past its TCE
	 * tables: off unless every guest is trusted. */
	bool kvm_stuff_tce;
	/* Mode kernel: let KVM serve H_PUT_TCE_INDIRECT (default off). KVM
	 * checks only the list's first entry against its table, which no
	 * padding bounds (a list may start at the table's last entry), and
	 * reads the list again after validating it: a second vcpu (or the
	 * device's DMA) rewriting it in between makes the host kernel BUG.
	 * Off: pvmm serves it from one copy, exact answers. trusted_guest =
	 * on sets both of these. */
	bool kvm_indirect_tce;
	/* Managed devices (--bind): pvmm moves every function of each
	 * device's IOMMU group to vfio-pci and back at exit (host_bind.h);
	 * bind_force takes them even when the host's default route or a
	 * mounted filesystem runs through them. */
	bool bind;
	bool bind_force;
	/* Testing: KVM capabilities to treat as absent (--mask-cap). */
	long masked_caps[4];
	int nr_masked_caps;
};

void config_defaults(struct vm_config *cfg);
/* Load an INI file over cfg. Returns 0 or -errno with err filled. */
int config_load_file(struct vm_config *cfg, const char *path, char *err, size_t errlen);
/* Set one key ("section:key") from a source (file name or "command line");
 * relative paths are resolved against base_dir when it is not NULL. */
int config_set(struct vm_config *cfg, const char *source, const char *key,
	       const char *value, const char *base_dir, char *err, size_t errlen);
/* Linux kernels without a given command line get CONFIG_DEFAULT_CMDLINE;
 * anything else keeps what was given (none: empty arguments). */
#define CONFIG_DEFAULT_CMDLINE "console=hvc0"
void config_default_cmdline(struct vm_config *cfg, bool linux_kernel);
/* The guest's time of day minus the host's (UTC) at host time now. */
int64_t config_rtc_offset(const struct vm_config *cfg, int64_t now);
/* Cross-key checks once everything is set (kernel given, sizes fit). */
int config_validate(const struct vm_config *cfg, const char *source, char *err, size_t errlen);

const char *tce_mode_name(enum tce_mode m);
/* Guest PHB index's TCE mode, whether it was asked for, DDW, coalescing. */
enum tce_mode config_phb_tce(const struct vm_config *cfg, unsigned int phb, bool *explicit_mode);
bool config_phb_ddw(const struct vm_config *cfg, unsigned int phb);
bool config_phb_user_coalesce(const struct vm_config *cfg, unsigned int phb);
/* "BDF[,phb=N]" into dev; 0 or -EINVAL with err filled (source, key). */
int config_parse_dev(struct pci_dev_config *dev, const char *source, const char *key,
		     const char *value, char *err, size_t errlen);

#endif
