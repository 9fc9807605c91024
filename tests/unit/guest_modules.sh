#!/bin/bash
# Unit test of kernel/guest-modules on the real guest kernel's modules.alias
# and modules.dep (build/cache, from kernel/setup.sh): each NIC and NVMe
# driver a POWER user is likely to pass through is resolved from a real
# vendor:device id (or class), with its dependencies. Prints "N passed, M
# failed" last and exits 1 on any failure.
. "$(dirname "$0")/../../kernel/guest-modules"
passed=0 failed=0

# expect WHAT GOT WANT
expect() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok   $1"
	else
		failed=$((failed + 1)); echo "FAIL $1: got '$2', want '$3'"
	fi
}
# resolves DEVICE MODULES: the modules its ids resolve to, in modules.alias order.
resolves() { expect "$1 -> $2" "$(modules_for_modalias "$(pci_modalias "$1")" | tr '\n' ' ' | sed 's/ $//')" "$2"; }

resolves 15b3:1017 mlx5_core		# ConnectX-5
resolves 8086:1572 i40e			# X710 10GbE SFP+
resolves 8086:10fb ixgbe		# 82599ES
resolves 8086:1533 igb			# I210
resolves 8086:10d3 e1000e		# 82574L, the emulated host's NIC
resolves 8086:10ca igbvf		# 82576 VF, the emulated host's SR-IOV VF
resolves 14e4:168e bnx2x		# NetXtreme II BCM57810
resolves 14e4:1657 tg3			# BCM5719, common in POWER9 boxes
resolves 1b36:0010/010802 nvme		# any NVMe controller, by class
resolves 144d:a808/010802 nvme		# a Samsung one: class and id both say nvme
resolves 1234:5678/010801 ""		# NVMe class, another prog-if: nothing
resolves 1234:5678 ""			# nobody's device
resolves 19ee:3800:19ee:0001 nfp	# matched only with its subsystem vendor
resolves 19ee:3800 ""
expect "the kernel's own modalias string" "$(pci_modalias 8086:10d3:8086:0000/020000)" \
	"pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"
expect "a bad id is refused" "$(pci_modalias 8086:zz 2>/dev/null; echo $?)" 1

# Dependencies, each before its users, once; file names (nvme-core).
deps=$(guest_modules_main --deps 8086:1572 | tr '\n' ' ')
for m in $COMMON_MODULES mlxfw libie nvme-core libphy mdio libcrc32c i2c-algo-bit; do
	expect "--deps lists ${m//_/-}" "$(echo " $deps" | grep -cE " ${m//[-_]/[-_]} ")" 1
done
before() {
	echo "$deps" | tr ' ' '\n' | awk -v a="$1" -v b="$2" '$0 == a { ia = NR } $0 == b { ib = NR }
		END { print (ia && ib && ia < ib) ? "yes" : "no" }'
}
expect "mlxfw before mlx5_core" "$(before mlxfw mlx5_core)" yes
expect "libie before i40e" "$(before libie i40e)" yes
expect "nvme-core before nvme" "$(before nvme-core nvme)" yes
expect "libphy before tg3" "$(before libphy tg3)" yes
expect "the i40e device adds nothing new" "$(guest_modules_main 8086:1572 | tr '\n' ' ')" \
	"i40e mlx5_core iavf ixgbe ixgbevf igb igbvf e1000e bnx2x tg3 virtio_net nvme "
echo "$passed passed, $failed failed"
[ $failed = 0 ]
