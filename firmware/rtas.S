/*
 * The RTAS "firmware": Linux calls it in real mode, big-endian, with r3 =
 * the guest physical address of the RTAS argument buffer. It hands that
 * buffer to the hypervisor with KVM's private H_RTAS hcall (0xf000); pvmm
 * (or KVM, for the tokens defined in the kernel) does the work.
 * Assembled big-endian (as -mbig): RTAS runs with MSR[LE] = 0.
 */
	.text
	.globl	rtas_entry
rtas_entry:
	mr	4, 3		/* r4 = argument buffer */
	lis	3, 0
	ori	3, 3, 0xf000	/* r3 = H_RTAS */
	sc	1		/* hypervisor call */
	blr
