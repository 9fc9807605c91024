/*
 * Entry of a bare-metal payload. pvmm starts vcpu 0 here in real mode,
 * 64-bit, little-endian, with r3 = the device tree's guest address.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	lis	2, .TOC.@h		/* ELFv2 TOC pointer; the image is below 4 GiB */
	ori	2, 2, .TOC.@l
	lis	1, __stack_top@h	/* stack below the top of the payload's area */
	ori	1, 1, __stack_top@l
	li	0, 0
	stdu	0, -112(1)
	bl	payload_start
1:	b	1b

/*
 * Entry of a cpu started through RTAS start-cpu (lib.c, cpu_start): same
 * state as vcpu 0's, with r3 = the top of the stack lib.c keeps for it.
 */
	.globl	secondary_entry
secondary_entry:
	lis	2, .TOC.@h
	ori	2, 2, .TOC.@l
	mr	1, 3
	li	0, 0
	stdu	0, -112(1)
	bl	secondary_start
1:	b	1b

/*
 * long hcall9(unsigned long opcode, unsigned long regs[9]):
 * r4..r12 from regs[], "sc 1", r4..r12 back into regs[], return r3.
 * r14 carries regs across the call (hcalls preserve r13 and up); it is
 * saved in the red zone below the stack pointer (a leaf function).
 */
	.text
	.globl	hcall9
hcall9:
	std	14, -8(1)
	mr	14, 4
	ld	4, 0(14)
	ld	5, 8(14)
	ld	6, 16(14)
	ld	7, 24(14)
	ld	8, 32(14)
	ld	9, 40(14)
	ld	10, 48(14)
	ld	11, 56(14)
	ld	12, 64(14)
	sc	1
	std	4, 0(14)
	std	5, 8(14)
	std	6, 16(14)
	std	7, 24(14)
	std	8, 32(14)
	std	9, 40(14)
	std	10, 48(14)
	std	11, 56(14)
	std	12, 64(14)
	ld	14, -8(1)
	blr

	.globl	read_tb
read_tb:
	mftb	3
	blr

	.section .stack, "aw", @nobits
	.balign	16
__stack_bottom:
	.space	65536
	.globl	__stack_top
__stack_top:
	.section .note.GNU-stack,"",%progbits
