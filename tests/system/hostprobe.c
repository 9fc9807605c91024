/*
 * hostprobe: what the `host` scenario asks of the emulated POWER host,
 * answered by the kernel itself: /dev/kvm, a KVM-HV VM, the capabilities
 * pvmm relies on, and a VFIO group attached to an sPAPR TCE v2 container.
 * Prints "RESULT host key=value" lines; exits 1 on the first failure,
 * releasing what it took.
 *   hostprobe <iommu group number>
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/vfio.h>

static int failed(const char *what)
{
	printf("RESULT host error=\"%s: %s\"\n", what, strerror(errno));
	return 1;
}

static int probe_kvm(void)
{
	static const struct { long cap; const char *name; } caps[] = {
		{ KVM_CAP_PPC_PAPR, "PPC_PAPR" }, { KVM_CAP_SPAPR_TCE, "SPAPR_TCE" },
		{ KVM_CAP_SPAPR_TCE_64, "SPAPR_TCE_64" }, { KVM_CAP_SPAPR_TCE_VFIO, "SPAPR_TCE_VFIO" },
		{ KVM_CAP_PPC_ENABLE_HCALL, "PPC_ENABLE_HCALL" }, { KVM_CAP_SPAPR_MULTITCE, "SPAPR_MULTITCE" },
		{ KVM_CAP_IRQ_XICS, "IRQ_XICS" }, { KVM_CAP_PPC_MMU_RADIX, "PPC_MMU_RADIX" },
		{ KVM_CAP_PPC_MMU_HASH_V3, "PPC_MMU_HASH_V3" }, { KVM_CAP_PPC_IRQ_XIVE, "PPC_IRQ_XIVE" },
	};
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return failed("open /dev/kvm");
	printf("RESULT host kvm_open=ok api=%d\n", ioctl(kvm, KVM_GET_API_VERSION, 0));
	vm = ioctl(kvm, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm < 0) {
		close(kvm);
		return failed("KVM_CREATE_VM(KVM_VM_PPC_HV)");
	}
	printf("RESULT host kvm_hv_vm=ok\n");
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf("RESULT host cap_%s=%d\n", caps[i].name, ioctl(vm, KVM_CHECK_EXTENSION, caps[i].cap));
	close(vm);
	close(kvm);
	return 0;
}

static int probe_vfio(const char *group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
	char path[64];
	int container, fd, rc = 1;

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		return failed("open /dev/vfio/vfio");
	printf("RESULT host vfio_api=%d spapr_tce_v2=%d\n",
	       ioctl(container, VFIO_GET_API_VERSION),
	       ioctl(container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU));
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		failed(path);
		goto out_container;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		failed("VFIO_GROUP_GET_STATUS");
		goto out_group;
	}
	printf("RESULT host group=%s viable=%d\n", group, !!(status.flags & VFIO_GROUP_FLAGS_VIABLE));
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto out_group;
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
		failed("VFIO_GROUP_SET_CONTAINER");
		goto out_group;
	}
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) < 0) {
		failed("VFIO_SET_IOMMU(VFIO_SPAPR_TCE_v2_IOMMU)");
		goto out_unset;
	}
	if (ioctl(container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info) < 0) {
		failed("VFIO_IOMMU_SPAPR_TCE_GET_INFO");
		goto out_unset;
	}
	printf("RESULT host container=v2 dma32_start=0x%llx dma32_size=0x%llx pgsizes=0x%llx "
	       "windows=%u levels=%u\n", (unsigned long long)info.dma32_window_start,
	       (unsigned long long)info.dma32_window_size,
	       (unsigned long long)info.ddw.pgsizes, info.ddw.max_dynamic_windows_supported,
	       info.ddw.levels);
	rc = 0;
out_unset:
	ioctl(fd, VFIO_GROUP_UNSET_CONTAINER);
out_group:
	close(fd);
out_container:
	close(container);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hostprobe <iommu group>\n");
		return 2;
	}
	if (probe_kvm())
		return 1;
	return probe_vfio(argv[1]);
}
