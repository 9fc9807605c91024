/*
 * Endianness fix-up, the sequence Linux's FIXUP_ENDIAN uses: a cpu running
 * big-endian reads "tdi 0,0,0x48" as "b .+8" and runs the byte-reversed
 * words below, which turn MSR[LE] on and rfid to the instruction after them;
 * a little-endian cpu skips them. r12 = 1 if the cpu came in big-endian.
 * r10 and r11 are clobbered; r3 is kept.
 */
	.macro	FIXUP_ENDIAN_R12
	tdi	0, 0, 0x48
	b	190f
	.long	0xa600607d		/* mfmsr r11 */
	.long	0x01006b69		/* xori r11,r11,1 (MSR_LE) */
	.long	0x00004039		/* li r10,0 */
	.long	0x01008039		/* li r12,1 */
	.long	0x6401417d		/* mtmsrd r10,1 */
	.long	0x05009f42		/* bcl 20,31,$+4 */
	.long	0xa602487d		/* mflr r10 */
	.long	0x14004a39		/* addi r10,r10,20: after the rfid */
	.long	0xa6035a7d		/* mtsrr0 r10 */
	.long	0xa6037b7d		/* mtsrr1 r11 */
	.long	0x2400004c		/* rfid */
	b	191f
190:	li	12, 0
191:
	.endm

/*
 * Entry of a bare-metal payload. pvmm starts vcpu 0 here in real mode,
 * 64-bit, little-endian for --payload (big-endian when loaded as an ELF
 * with -k: the fix-up turns it little-endian), with r3 = the device tree.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	FIXUP_ENDIAN_R12
	mr	4, 12			/* payload_start(fdt, entered big-endian) */
	lis	2, .TOC.@h		/* ELFv2 TOC pointer; the image is below 4 GiB */
	ori	2, 2, .TOC.@l
	lis	1, __stack_top@h	/* stack below the top of the payload's area */
	ori	1, 1, __stack_top@l
	li	0, 0
	stdu	0, -112(1)
	bl	payload_start
1:	b	1b

/*
 * Entry of a cpu started through RTAS start-cpu (lib.c, cpu_start): PAPR
 * starts it big-endian, the fix-up makes it little-endian; r3 = the top of
 * the stack lib.c keeps for it.
 */
	.globl	secondary_entry
secondary_entry:
	FIXUP_ENDIAN_R12
	lis	2, .TOC.@h
	ori	2, 2, .TOC.@l
	mr	1, 3
	mr	3, 12			/* secondary_start(entered big-endian) */
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
