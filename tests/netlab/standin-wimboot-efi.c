/*
 * tests/netlab/standin-wimboot-efi.c - an EFI application (gnu-efi) that
 * stands in for wimboot on UEFI: iPXE (ipxe.efi) starts it as the `kernel`
 * of boot.ipxe and hands it the `initrd` files through a file system on its
 * device handle, which is how the real wimboot receives bootmgr, BCD,
 * boot.sdi and boot.wim.  It writes to COM1:
 *   BOOTLAB-STANDIN wimboot-efi uefi
 *   BOOTLAB-FILE <name> size=<hex>      (one line per file it can read)
 *   BOOTLAB-END
 * then halts.
 */
#include <efi.h>
#include <efilib.h>

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

/* One character to COM1, waiting (bounded) for the transmitter. */
static void com1c(unsigned char ch)
{
	int n = 100000;

	while (!(inb(0x3fd) & 0x20) && --n)
		;
	outb(0x3f8, ch);
}

static void com1(const CHAR16 *s)
{
	for (; *s; s++)
		com1c((unsigned char)*s);
}

/* V in hex, 8 digits at least. */
static void com1hex(UINT64 v)
{
	char d[17];
	int i = 16;

	d[i] = 0;
	do {
		d[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || i > 8);
	for (; d[i]; i++)
		com1c((unsigned char)d[i]);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root;
	UINT8 buf[1024];

	InitializeLib(image, systab);
	com1(L"\r\nBOOTLAB-STANDIN wimboot-efi uefi\r\n");
	if (uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			      (void **)&li) != EFI_SUCCESS || !li) {
		com1(L"BOOTLAB-ERROR no loaded image protocol\r\n");
		goto end;
	}
	root = LibOpenRoot(li->DeviceHandle);
	if (!root) {
		com1(L"BOOTLAB-ERROR no file system on the device handle\r\n");
		goto end;
	}
	for (;;) {
		UINTN size = sizeof(buf);
		EFI_FILE_INFO *fi = (EFI_FILE_INFO *)buf;

		if (uefi_call_wrapper(root->Read, 3, root, &size, buf) != EFI_SUCCESS || !size)
			break;
		if (fi->Attribute & EFI_FILE_DIRECTORY)
			continue;
		com1(L"BOOTLAB-FILE ");
		com1(fi->FileName);
		com1(L" size=");
		com1hex(fi->FileSize);
		com1(L"\r\n");
	}
end:
	com1(L"BOOTLAB-END\r\n");
	for (;;)
		__asm__ volatile("cli; hlt");
	return EFI_SUCCESS;
}
