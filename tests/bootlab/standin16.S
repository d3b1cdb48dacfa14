/* tests/bootlab/standin16.S - a real-mode stand-in for a Microsoft boot
 * program (etfsboot.com, bootmgr, wimboot as a PXE image).
 *
 * It runs wherever it is loaded (0000:7C00 by El Torito and MEMDISK,
 * 2000:0000 by chain.c32 ntldr=, 0000:7C00 by iPXE): it finds its own
 * offset with call/pop and addresses its data through CS.  It writes to
 * COM1 the NUL-terminated marker that run.sh appends right after the code,
 * then " cs=XXXX ip=XXXX dl=XX" (where it was loaded and the BIOS drive it
 * was given), then CR LF, and halts.
 *
 * Build: as --32 -I tests/bootlab -o standin16.o standin16.S
 *        ld -m elf_i386 --oformat binary -Ttext 0 -o standin16.bin standin16.o
 *        printf 'BOOTLAB-STANDIN etfsboot\0' >>standin16.bin
 */
	.code16
	.text
	.globl	_start
_start:
	cli
	mov	%dl, %bl		/* boot drive, kept in BL */
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$0x7000, %sp		/* below 0x7C00 and 0x20000 */
	sti
	call	1f
1:	pop	%bp			/* BP = offset of 1b in CS */
	push	%cs
	pop	%ds
	cld
	lea	(marker - 1b)(%bp), %si
	call	puts
	lea	(s_cs - 1b)(%bp), %si
	call	puts
	mov	%cs, %ax
	call	hex16
	lea	(s_ip - 1b)(%bp), %si
	call	puts
	lea	-(1b - _start)(%bp), %ax	/* offset of _start */
	call	hex16
	lea	(s_dl - 1b)(%bp), %si
	call	puts
	mov	%bl, %al
	call	hex8
	lea	(s_crlf - 1b)(%bp), %si
	call	puts
halt:	cli
	hlt
	jmp	halt

	.include "serial16.inc"

s_cs:	.asciz	" cs="
s_ip:	.asciz	" ip="
s_dl:	.asciz	" dl="
s_crlf:	.asciz	"\r\n"
	.byte	0
	/* run.sh appends the marker ("BOOTLAB-STANDIN name", NUL) here */
marker:
