/*
 * tests/bootlab/standin-efi.c - an EFI application (gnu-efi) that stands in
 * for efi/boot/bootx64.efi (inside efisys.bin and on the disk image's FAT
 * partition).  It writes its marker to COM1 directly (port 0x3F8) and with
 * Print() (OVMF copies the console to the serial port), then halts.
 *
 * The marker names the place: run.sh builds it with -DBOOTLAB_NAME=L"..."
 * (e.g. L"efisys" or L"disk-efi"), so a test knows which copy ran.
 */
#include <efi.h>
#include <efilib.h>

#ifndef BOOTLAB_NAME
#define BOOTLAB_NAME L"bootx64"
#endif

static void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static unsigned char inb(unsigned short port)
{
	unsigned char v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void com1(const CHAR16 *s)
{
	for (; *s; s++) {
		int n = 100000;

		while (!(inb(0x3fd) & 0x20) && --n)
			;
		outb(0x3f8, (unsigned char)*s);
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static const CHAR16 marker[] = L"BOOTLAB-STANDIN " BOOTLAB_NAME L" uefi\r\n";

	InitializeLib(image, systab);
	com1(L"\r\n");
	com1(marker);
	Print(L"%s", marker);
	for (;;)
		__asm__ volatile("cli; hlt");
	return EFI_SUCCESS;
}
