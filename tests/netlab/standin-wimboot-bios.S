/* tests/netlab/standin-wimboot-bios.S - a BIOS stand-in for wimboot, for
 * the network lab's bios-ipxe scenario (tests/netlab/run.sh).
 *
 * wimboot for BIOS is a Linux "bzImage": iPXE's `kernel` loads it by the
 * Linux boot protocol, puts every `initrd` (bootmgr, BCD, boot.sdi,
 * boot.wim, the injected files) one after the other in memory, each with a
 * cpio header naming it, writes their address and total size into the
 * header (ramdisk_image, ramdisk_size) and its own loader id into
 * type_of_loader, and jumps to the real-mode setup code at setup
 * segment + 0x20, offset 0 (file offset 0x200).  This stand-in is such an
 * image: a boot sector with the boot header, one setup sector of code, and
 * 512 bytes of protected-mode "kernel" (never run).  Its code writes to COM1
 *     BOOTLAB-STANDIN wimboot-bios loader=XX initrd=SIZE@ADDRESS\r\n
 * (hex) and halts: the lab checks that SIZE holds every file boot.ipxe
 * names.  Only iPXE fills in these fields, so the line proves that iPXE
 * loaded the stand-in as wimboot and handed it the files.
 *
 * Build: as --32 -I tests/bootlab -o standin-wimboot-bios.o standin-wimboot-bios.S
 *        ld -m elf_i386 --oformat binary -Ttext 0 -o wimboot-bios standin-wimboot-bios.o
 */
	.code16
	.text
	.globl	_start
_start:
	.org	0x1f1
	.byte	1			/* setup_sects: the code sector */
	.word	0			/* root_flags */
	.long	512 / 16		/* syssize: the protected-mode part */
	.word	0			/* ram_size */
	.word	0xffff			/* vid_mode: normal */
	.word	0			/* root_dev */
	.word	0xaa55			/* boot_flag */
	jmp	entry			/* 0x200: the entry point */
	.ascii	"HdrS"			/* 0x202 */
	.word	0x0202			/* boot protocol 2.02 */
	.long	0			/* realmode_swtch */
	.word	0x1000			/* start_sys_seg */
	.word	0			/* kernel_version */
type_of_loader:
	.byte	0			/* 0x210: written by the boot loader */
	.byte	1			/* loadflags: LOADED_HIGH */
	.word	0			/* setup_move_size */
	.long	0x100000		/* code32_start */
ramdisk_image:
	.long	0			/* 0x218: written by the boot loader */
ramdisk_size:
	.long	0			/* 0x21c: written by the boot loader */
	.long	0			/* bootsect_kludge */
	.word	0			/* heap_end_ptr */
	.byte	0, 0			/* ext_loader_ver, ext_loader_type */
	.long	0			/* cmd_line_ptr */

/* CS is the setup segment + 0x20: DS = CS - 0x20 addresses this file by
 * its offsets (the labels above and below). */
entry:	cli
	mov	%cs, %ax
	sub	$0x20, %ax
	mov	%ax, %ds
	cld
	sti
	mov	$marker, %si
	call	puts
	mov	$s_loader, %si
	call	puts
	mov	type_of_loader, %al
	call	hex8
	mov	$s_initrd, %si
	call	puts
	mov	ramdisk_size + 2, %ax
	call	hex16
	mov	ramdisk_size, %ax
	call	hex16
	mov	$s_at, %si
	call	puts
	mov	ramdisk_image + 2, %ax
	call	hex16
	mov	ramdisk_image, %ax
	call	hex16
	mov	$s_crlf, %si
	call	puts
halt:	cli
	hlt
	jmp	halt

	.include "serial16.inc"

marker:	.asciz	"BOOTLAB-STANDIN wimboot-bios"
s_loader: .asciz " loader="
s_initrd: .asciz " initrd="
s_at:	.asciz	"@"
s_crlf:	.asciz	"\r\n"

	.org	0x400
/* the protected-mode part (syssize): never run */
	.fill	512, 1, 0
