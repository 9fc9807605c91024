# Sourced by kernel/l1-init and lib-fuzz.sh: the host kernel's log as it
# comes (/dev/kmsg), so that a warning is still seen after the ring buffer
# has wrapped (a fuzz run's DDW churn fills it within a minute), and the
# host warnings a scenario declared known. Plain functions; their state is
# the files named.
KMSG_BAD='Oops: |BUG: |kernel BUG at|WARNING: CPU: |Kernel panic|^kmsg: no line'
KNOWN_HOST_WARNINGS=/tmp/known-host-warnings

# kmsg_mark TEXT: a line of the kernel's log that kmsg_bad counts from.
kmsg_mark() {
	echo "$1" > /dev/kmsg
}

# kmsg_bad FILE MARK [KNOWN]: the oops, BUG and warning lines of FILE (a
# copy of /dev/kmsg: "prio,seq,usec,flags;text" records) after its last
# line MARK, less those matching a line (an ERE) of the file KNOWN. No line
# MARK (the copy died, or the kernel dropped the mark) is itself one: a
# check that cannot see the log must not pass.
kmsg_bad() {
	[ -r "$1" ] || { echo "kmsg: no line \"$2\": no file $1"; return 0; }
	awk -v mark="$2" 'BEGIN { n = -1 }
	index($0, ";") {
		t = substr($0, index($0, ";") + 1)
		if (t == mark) n = 0
		else if (n >= 0) line[n++] = t
	}
	END {
		if (n < 0) print "kmsg: no line \"" mark "\" in " FILENAME
		for (i = 0; i < n; i++) print line[i]
	}' "$1" |
		grep -E "$KMSG_BAD" | if [ -s "${3:-}" ]; then grep -vEf "$3"; else cat; fi
	return 0
}

# known_host_warning ERE: a host kernel warning this scenario may meet that
# is the host kernel's own, analysed and harmless (README, Fuzzing): the
# checks name it instead of failing on it. Cleared as each scenario begins.
# Never an empty pattern: it would match every line.
known_host_warning() {
	[ -n "$1" ] || { echo "known_host_warning: an empty pattern" >&2; return 1; }
	echo "$1" >> "$KNOWN_HOST_WARNINGS"
}
