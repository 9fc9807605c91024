/* PAPR constants: hcall opcodes, return codes, RTAS status codes. */
#ifndef PVMM_SPAPR_H
#define PVMM_SPAPR_H

/* hcall return codes (r3) */
#define H_SUCCESS		0
#define H_BUSY			1
#define H_HARDWARE		-1
#define H_FUNCTION		-2
#define H_PRIVILEGE		-3
#define H_PARAMETER		-4
#define H_BAD_MODE		-5
#define H_PTEG_FULL		-6
#define H_NOT_FOUND		-5
#define H_RESOURCE		-16
#define H_P2			-55
#define H_P3			-56
#define H_P4			-57
#define H_UNSUPPORTED_FLAG_START	-256
#define H_TOO_HARD		9999

/* hcall opcodes */
#define H_GET_TCE		0x1c
#define H_PUT_TCE		0x20
#define H_SET_SPRG0		0x24
#define H_PAGE_INIT		0x2c
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_EOI			0x64
#define H_CPPR			0x68
#define H_IPI			0x6c
#define H_IPOLL			0x70
#define H_XIRR			0x74
#define H_REGISTER_VPA		0xdc
#define H_CEDE			0xe0
#define H_CONFER		0xe4
#define H_PROD			0xe8
#define H_GET_CPU_CHARACTERISTICS 0x1c8
#define H_PUT_TCE_INDIRECT	0x13c	/* (design.md and testbed.md have 0x138 and 0x13c swapped) */
#define H_STUFF_TCE		0x138
#define H_XIRR_X		0x2fc
#define H_RANDOM		0x300
#define H_SET_MODE		0x31c
#define H_REGISTER_PROC_TBL	0x37c
#define H_RTAS			0xf000	/* KVM's private hcall for RTAS */

/* H_SET_MODE resources */
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE	3
#define H_SET_MODE_RESOURCE_LE			4

/* H_REGISTER_PROC_TBL flags */
#define PROC_TABLE_OP_MASK	0x18
#define PROC_TABLE_DEREG	0x10
#define PROC_TABLE_NEW		0x18
#define PROC_TABLE_TYPE_MASK	0x06
#define PROC_TABLE_HPT_SLB	0x00
#define PROC_TABLE_HPT_PT	0x02
#define PROC_TABLE_RADIX	0x04
#define PROC_TABLE_GTSE		0x01

/* RTAS status codes (first return value) */
#define RTAS_OUT_SUCCESS	0
#define RTAS_OUT_NO_ERRORS_FOUND 1
#define RTAS_OUT_HW_ERROR	-1
#define RTAS_OUT_BUSY		-2
#define RTAS_OUT_PARAM_ERROR	-3
#define RTAS_OUT_NOT_SUPPORTED	-3
#define RTAS_OUT_NOT_AUTHORIZED	-9002

/* RTAS buffer: token, nargs, nret, then nargs + nret 32-bit cells. */
#define RTAS_MAX_CELLS		16

/* LPCR bits pvmm sets on behalf of the guest */
#define LPCR_ILE		(1ULL << (63 - 38))
#define LPCR_AIL_MASK		(3ULL << (63 - 40))
#define LPCR_AIL_3		(3ULL << (63 - 40))

/* MSR bits for the entry state */
#define MSR_SF			(1ULL << 63)
#define MSR_ME			(1ULL << 12)
#define MSR_LE			(1ULL << 0)
/* A cpu started by RTAS start-cpu: 64-bit, machine checks on, big-endian */
#define START_CPU_MSR		(MSR_SF | MSR_ME)

#endif
