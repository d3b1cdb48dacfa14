/* tests/bootlab/standin-mb.S - the wimboot stand-in: a Multiboot kernel
 * (a.out kludge, loaded at 1 MiB) that reports what iPXE gave it, and
 * also a real-mode PXE image, in case iPXE runs it as one.
 *
 * Multiboot (iPXE "kernel wimboot" + "initrd ..." + "boot"): it writes to
 * COM1
 *   BOOTLAB-STANDIN wimboot multiboot cmdline=<its command line> modules=N
 *   BOOTLAB-MODULE <module string> size=<hex bytes>      (one per initrd)
 *   BOOTLAB-END
 * and halts.  As a PXE image (loaded at 0000:7C00, real mode) the first
 * bytes jump to the real-mode stand-in (standin16.S) that run.sh appends at
 * the label rm_entry, with the marker "BOOTLAB-STANDIN wimboot".
 *
 * It starts with the header of an EFI PE image ("MZ", the offset 0x3c of
 * "PE\0\0", an i386 machine and a PE32 magic), as the real wimboot does,
 * so that peforge's check that wimboot is a wimboot binary accepts it.  In
 * real mode "MZ" is dec %bp; pop %dx, harmless before the jump.
 *
 * Build: as --32 -o standin-mb.o standin-mb.S
 *        ld -m elf_i386 --oformat binary -Ttext 0x100000 -o mb.bin standin-mb.o
 *        cat mb.bin standin16.bin >wimboot; printf 'BOOTLAB-STANDIN wimboot\0' >>wimboot
 */
	.set	LOAD, 0x100000
	.set	MB_MAGIC, 0x1BADB002
	.set	MB_FLAGS, 0x00010000		/* addresses in the header */
	.text
	.globl	_start
_start:
	.code16
	.ascii	"MZ"				/* the DOS/PE signature */
	jmp	rm_entry			/* PXE image: real mode at 7C00 */
	.org	_start + 0x3c
	.long	pe_header - _start		/* e_lfanew */
pe_header:
	.ascii	"PE\0\0"
	.word	0x14c				/* machine: i386 */
	.word	0				/* no sections: a stand-in */
	.long	0, 0, 0				/* time, symbols */
	.word	2				/* optional header size */
	.word	0				/* characteristics */
	.word	0x10b				/* optional header: PE32 */
	.code32
	.balign	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header			/* header_addr */
	.long	_start				/* load_addr */
	.long	0				/* load_end_addr: the whole file */
	.long	0				/* bss_end_addr: none */
	.long	mb_entry			/* entry_addr */

mb_entry:
	cli
	mov	$stack_top, %esp
	mov	%ebx, %edi			/* the Multiboot information */
	mov	$s_marker, %esi
	call	puts
	testl	$4, (%edi)			/* flags: cmdline valid */
	jz	1f
	mov	16(%edi), %esi
	call	puts
1:	mov	$s_modules, %esi
	call	puts
	xor	%ecx, %ecx			/* module count */
	testl	$8, (%edi)			/* flags: modules valid */
	jz	2f
	mov	20(%edi), %ecx
2:	mov	%ecx, %eax
	call	hex32
	mov	$s_crlf, %esi
	call	puts
	test	%ecx, %ecx
	jz	4f
	mov	24(%edi), %ebx			/* the module list */
3:	mov	$s_module, %esi
	call	puts
	mov	8(%ebx), %esi			/* its string */
	test	%esi, %esi
	jz	5f
	call	puts
5:	mov	$s_size, %esi
	call	puts
	mov	4(%ebx), %eax			/* mod_end - mod_start */
	sub	(%ebx), %eax
	call	hex32
	mov	$s_crlf, %esi
	call	puts
	add	$16, %ebx
	loop	3b
4:	mov	$s_end, %esi
	call	puts
halt:	cli
	hlt
	jmp	halt

/* puts: write the string at ESI to COM1 */
puts:	push	%eax
6:	lodsb
	test	%al, %al
	jz	7f
	call	putc
	jmp	6b
7:	pop	%eax
	ret

/* putc: AL to COM1, once the transmitter holding register is empty */
putc:	push	%edx
	push	%eax
	mov	$0x3fd, %dx
8:	in	%dx, %al
	test	$0x20, %al
	jz	8b
	pop	%eax
	mov	$0x3f8, %dx
	out	%al, %dx
	pop	%edx
	ret

/* hex32: EAX as 8 hex digits */
hex32:	push	%ecx
	push	%eax
	mov	$8, %ecx
9:	rol	$4, %eax
	push	%eax
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	10f
	add	$('a' - '9' - 1), %al
10:	call	putc
	pop	%eax
	loop	9b
	pop	%eax
	pop	%ecx
	ret

s_marker:	.asciz	"BOOTLAB-STANDIN wimboot multiboot cmdline="
s_modules:	.asciz	" modules="
s_module:	.asciz	"BOOTLAB-MODULE "
s_size:		.asciz	" size="
s_end:		.asciz	"BOOTLAB-END\r\n"
s_crlf:		.asciz	"\r\n"
	.balign	16
stack:	.fill	1024, 1, 0
stack_top:
	/* run.sh appends the real-mode stand-in (standin16.bin + marker) */
rm_entry:
