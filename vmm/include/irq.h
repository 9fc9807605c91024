/*
 * Interrupts: KVM's in-kernel XICS (KVM_DEV_TYPE_XICS; on XIVE hosts KVM
 * emulates it over XIVE). Its hcalls and the ibm,*-xive RTAS calls are
 * served inside KVM; this module creates the device, connects the vcpus,
 * declares those calls (so that the FDT lists them) and hands KVM their
 * tokens.
 */
#ifndef PVMM_IRQ_H
#define PVMM_IRQ_H

#include <stdint.h>

struct vm;

int irq_register_calls(void);
int irq_create(struct vm *vm);		/* after vcpus_create */
/* Prepare sources [first, first + n) as masked edge/level sources. */
int irq_init_sources(struct vm *vm, uint32_t first, uint32_t n, int level);
/* Wire (or unwire) an eventfd to XICS source irq with KVM_IRQFD. */
int irq_irqfd(struct vm *vm, int fd, uint32_t irq, int assign);
/* A level source: fd asserts it, KVM signals resamplefd when the guest
 * EOIs it (KVM_IRQFD_FLAG_RESAMPLE), so VFIO can unmask the line. */
int irq_irqfd_resample(struct vm *vm, int fd, int resamplefd, uint32_t irq, int assign);
/* Drive level source irq from pvmm (KVM_IRQ_LINE): 1 asserts, 0 deasserts. */
int irq_set_level(struct vm *vm, uint32_t irq, int level);
void irq_destroy(struct vm *vm);

#endif
