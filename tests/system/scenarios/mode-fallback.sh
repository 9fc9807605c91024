#!/bin/sh
# Scenario mode-fallback: tce=kernel on a host without the capability it
# needs (masked with --mask-cap) fails with a clear one-line reason and
# leaves the group usable; tce=auto on the same host falls back to mode
# user and the transfer passes.
fail=0
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh

"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512 --pci "$NIC_A_BDF" --tce kernel \
	--mask-cap spapr_tce_vfio </dev/null > /tmp/fb.out 2>&1
rc=$?
sed 's/^/L2| /' /tmp/fb.out
check "explicit kernel mode refused (exit 1)" test $rc -eq 1
check "the reason names the missing capability" grep -q "tce = kernel is impossible here: KVM lacks KVM_CAP_SPAPR_TCE_VFIO" /tmp/fb.out
check "one error line" test "$(grep -c 'error' /tmp/fb.out)" -eq 1

( passthrough mode-fallback auto 16 --expect-mode user -- --mask-cap spapr_tce_vfio 2>&1
  echo $? > /tmp/fb2.rc ) | tee /tmp/fb2.out
rc=$(cat /tmp/fb2.rc)
check "auto fell back to user with the reason" grep -q "TCE mode user (auto): KVM lacks KVM_CAP_SPAPR_TCE_VFIO" /tmp/fb2.out
check "the transfer passed in mode user" test $rc -eq 0
exit $fail
