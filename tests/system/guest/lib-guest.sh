# Sourced by the guest's scenario scripts (net.sh, eeh.sh, storage.sh):
# what more than one of them does. Not a scenario of its own.

# arg NAME: the value of pvmm.NAME= on the kernel command line.
arg() { sed -n "s/.*pvmm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# wait_carrier IF SECONDS: until IF has carrier, for up to SECONDS (polled
# every 0.2 s); its status says whether it came.
wait_carrier() {
	for i in $(seq 1 $(($2 * 5))); do
		[ "$(cat /sys/class/net/$1/carrier 2>/dev/null)" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}
