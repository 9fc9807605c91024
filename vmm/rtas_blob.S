/* The RTAS stub from firmware/, embedded so that pvmm is one file. */
	.section .rodata
	.balign	8
	.globl	rtas_blob
rtas_blob:
	.incbin	"firmware/rtas.bin"
	.globl	rtas_blob_end
rtas_blob_end:
	.section .note.GNU-stack,"",%progbits
