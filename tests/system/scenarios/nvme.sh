#!/bin/sh
# Scenario nvme: the NVMe controller passes through (its registers, MSI-X
# table and PBA share BAR 0) and the guest writes 64 MiB to it and reads it
# back with O_DIRECT, 1 MiB requests, sha256-checked (guest/storage.sh).
# With DDW off the block layer's mappings go through the 32-bit window:
# 1 MiB requests are H_PUT_TCE_INDIRECT lists, which pvmm serves in mode
# user and in mode kernel's safe default alike, and counts. With DDW on
# the guest maps its RAM once and the transfer needs no TCE hcall.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT nvme controller $NVME_BDF group $NVME_GROUP"
check "the emulated host has the NVMe controller on vfio-pci" \
	test "$(basename "$(readlink "/sys/bus/pci/devices/$NVME_BDF/driver")")" = vfio-pci

# storage_run NAME MB PVMM-ARGS...: pvmm boots the storage guest on the
# NVMe controller; its output in /tmp/NAME.out, JSON in /tmp/NAME.json.
storage_run() {
	name=$1 mb=$2
	shift 2
	( timeout 900 "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NVME_BDF" \
		-p "console=hvc0 quiet nowatchdog pvmm.test=storage pvmm.mb=$mb" \
		--stats-json "/tmp/$name.json" "$@" </dev/null 2>&1
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' > "/tmp/$name.out"
	grep -E "^GUEST|^pvmm: (error|warning|note)|GUEST-" "/tmp/$name.out" | sed 's/^/L2| /'
}

# check_storage NAME MB: the driver bound and the data came back whole.
check_storage() {
	o=/tmp/$1.out j=/tmp/$1.json
	tce=
	for op in write read; do
		for h in H_PUT_TCE H_PUT_TCE_INDIRECT H_STUFF_TCE; do
			tce="$tce ${op}_$h=$(mark_delta "$j" $op-start $op-end hcall $h)"
		done
	done
	echo "RESULT $1 $(grep -E '^GUEST (write|read) ' "$o" | cut -d' ' -f2- | tr '\n' ' ')" \
		"tce_exits=$(tce_exit_total "$j")$tce"
	check "$1: the guest's nvme driver bound the controller, with MSI-X" \
		grep -qE "^GUEST pci=.* driver=nvme msix=[1-9]" "$o"
	check "$1: $2 MiB written with O_DIRECT" grep -q "^GUEST write rc=0 .* mb=$2\$" "$o"
	check "$1: $2 MiB read back with O_DIRECT" grep -q "^GUEST read rc=0 .* mb=$2\$" "$o"
	check "$1: what was read is what was written (sha256)" \
		sh -c "grep '^GUEST storage ' '$o' | awk '{split(\$3, a, \"=\"); split(\$4, b, \"=\"); exit !(a[2] != \"\" && a[2] == b[2])}'"
	check "$1: the guest's kernel did not oops, BUG, warn or time out" \
		sh -c "! grep -qE '^GUEST dmesg ' '$o'"
	check "$1: the guest's test passed" grep -q "^GUEST-TEST-EXIT storage 0" "$o"
	check "$1: pvmm exited 0" test "$(cat "/tmp/$1.rc")" = 0
	check "$1: every TCE inside guest RAM" tce_all_inside_ram "$j"
}

for mode in kernel user; do
	storage_run nvme-$mode 64 --tce $mode --ddw off
	check_storage nvme-$mode 64
	check "nvme-$mode: its H_PUT_TCE_INDIRECT lists reached pvmm" \
		test "$(hcall_count /tmp/nvme-$mode.json H_PUT_TCE_INDIRECT)" -gt 0
done
storage_run nvme-ddw 64 --tce kernel --ddw on
check_storage nvme-ddw 64
check "nvme-ddw: the guest created a DDW window and uses it" phb_ddw_in_use /tmp/nvme-ddw.json 0
exit $fail
