#!/bin/sh
# Scenario nvme: the NVMe controller passes through (its registers, MSI-X
# table and PBA share BAR 0); the guest's side is guest/storage.sh.
# - Its data survives pvmm: a run in mode kernel (the safe default, DDW on)
#   makes an ext2 filesystem and writes 64 MiB and its sha256; each next
#   run (mode user, DDW on; then mode kernel with DDW off) finds the
#   previous run's data whole and writes new data.
# - The storage DMA regime: each run writes 64 MiB beyond the filesystem
#   and reads it back with O_DIRECT in 1 MiB requests, sha256-checked. With
#   DDW off the block layer's mappings go through the 32-bit window, as
#   H_PUT_TCE_INDIRECT lists that pvmm serves (mode kernel's safe default),
#   counted per direction; make bench measures every mode's.
# - The nvme driver got as many MSI-X vectors as it has I/O queues.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT nvme controller $NVME_BDF group $NVME_GROUP"
check "the emulated host has the NVMe controller on vfio-pci" \
	test "$(basename "$(readlink "/sys/bus/pci/devices/$NVME_BDF/driver")")" = vfio-pci

# storage_run NAME "GUEST-ARGS" PVMM-ARGS...: pvmm boots the storage guest
# on the NVMe controller; its output in /tmp/NAME.out, its JSON in
# /tmp/NAME.json, its exit status in /tmp/NAME.rc.
storage_run() {
	name=$1 gargs=$2
	shift 2
	( timeout 900 "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NVME_BDF" \
		-p "console=hvc0 quiet nowatchdog pvmm.test=storage pvmm.mb=64 $gargs" \
		--stats-json "/tmp/$name.json" "$@" </dev/null 2>&1
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' > "/tmp/$name.out"
	grep -E "^GUEST|^pvmm: (error|warning|note)|GUEST-" "/tmp/$name.out" | grep -v "^GUEST irq" | sed 's/^/L2| /'
}

# field OUT PREFIX KEY: KEY's value on OUT's line starting with PREFIX.
field() { sed -n "s/^$2 .*$3=\([^ ]*\).*/\1/p" "$1" | head -n1; }

# check_run NAME: the driver bound the controller with an MSI-X vector per
# I/O queue (two or more with 2 vcpus), nothing went wrong in the guest,
# pvmm exited 0 with every TCE inside guest RAM.
check_run() {
	o=/tmp/$1.out j=/tmp/$1.json
	q=$(field "$o" "GUEST nvme0n1" io_queues) v=$(field "$o" "GUEST nvme0n1" irqs)
	echo "RESULT $1 io_queues=${q:-?} nvme_irqs=${v:-?} $(grep -o 'driver=nvme msix=[0-9]*' "$o")"
	check "$1: the guest's nvme driver bound the controller, with MSI-X" \
		grep -qE "^GUEST pci=.* driver=nvme msix=[1-9]" "$o"
	check "$1: two or more I/O queues, an MSI-X vector for each" \
		sh -c "[ '${q:-0}' -ge 2 ] && [ '${v:-0}' -ge '${q:-0}' ]"
	check "$1: the guest's kernel did not oops, BUG, warn, time out or see a filesystem error" \
		sh -c "! grep -qE '^GUEST (dmesg|fs (mke2fs|mount|umount) failed)' '$o'"
	check "$1: pvmm exited 0" test "$(cat "/tmp/$1.rc")" = 0
	check "$1: every TCE inside guest RAM" tce_all_inside_ram "$j"
}

# check_raw NAME: the O_DIRECT write and read back, with each direction's
# TCE hcalls by kind.
check_raw() {
	o=/tmp/$1.out j=/tmp/$1.json tce=
	for op in write read; do
		for h in H_PUT_TCE H_PUT_TCE_INDIRECT H_STUFF_TCE; do
			tce="$tce ${op}_$h=$(mark_delta "$j" $op-start $op-end hcall $h)"
		done
	done
	echo "RESULT $1 $(grep -E '^GUEST (write|read) ' "$o" | cut -d' ' -f2- | tr '\n' ' ')" \
		"tce_exits=$(tce_exit_total "$j")$tce"
	check "$1: 64 MiB written with O_DIRECT" grep -q "^GUEST write rc=0 .* mb=64\$" "$o"
	check "$1: 64 MiB read back with O_DIRECT" grep -q "^GUEST read rc=0 .* mb=64\$" "$o"
	w=$(field "$o" "GUEST raw" written_sha256) r=$(field "$o" "GUEST raw" read_sha256)
	check "$1: what was read is what was written (sha256)" sh -c "[ -n '$w' ] && [ '$w' = '$r' ]"
}

# check_found NAME PREVIOUS: this run found the data PREVIOUS wrote.
check_found() {
	f=$(field "/tmp/$1.out" "GUEST fs found" sha256) rec=$(field "/tmp/$1.out" "GUEST fs found" recorded)
	prev=$(field "/tmp/$2.out" "GUEST fs wrote" sha256)
	echo "RESULT $1 found=${f:-none} recorded=${rec:-none} written_by_$2=${prev:-none}"
	check "$1: the filesystem $2 wrote holds its 64 MiB, sha256-checked" \
		sh -c "[ -n '$prev' ] && [ '$f' = '$prev' ] && [ '$rec' = '$prev' ]"
}

storage_run nvme-kernel "pvmm.fs=write pvmm.raw=1" --tce kernel
check_run nvme-kernel
check_raw nvme-kernel
check "nvme-kernel: the filesystem written" grep -q "^GUEST fs wrote sha256=[0-9a-f]* rc=0" /tmp/nvme-kernel.out
check "nvme-kernel: the guest created a DDW window and uses it" phb_ddw_in_use /tmp/nvme-kernel.json 0

storage_run nvme-user "pvmm.fs=check pvmm.raw=1" --tce user
check_run nvme-user
check_raw nvme-user
check_found nvme-user nvme-kernel
check "nvme-user: the guest created a DDW window and uses it" phb_ddw_in_use /tmp/nvme-user.json 0

storage_run nvme-kernel-ddw-off "pvmm.fs=check pvmm.raw=1" --tce kernel --ddw off
check_run nvme-kernel-ddw-off
check_raw nvme-kernel-ddw-off
check_found nvme-kernel-ddw-off nvme-user
check "nvme-kernel-ddw-off: its H_PUT_TCE_INDIRECT lists reached pvmm" \
	test "$(hcall_count /tmp/nvme-kernel-ddw-off.json H_PUT_TCE_INDIRECT)" -gt 0
exit $fail
