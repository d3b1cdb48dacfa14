/* plugins/output-disk/tools.c - running mtools and syslinux, and writing
 * the MBR. */
#include "disk.h"

/* ---- running the tools ------------------------------------------------ */

/*
 * environ plus MTOOLS_SKIP_CHECK=1 (mtools otherwise refuses a file system
 * whose size is not a whole number of tracks).  The array is malloc'd; its
 * strings are environ's or static.
 */
char **tool_env(void)
{
	size_t n = 0, i, k = 0;
	char **envp;

	while (environ && environ[n])
		n++;
	envp = calloc(n + 2, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "MTOOLS_SKIP_CHECK=", 18))
			envp[k++] = environ[i];
	envp[k++] = (char *)"MTOOLS_SKIP_CHECK=1";
	envp[k] = NULL;
	return envp;
}

/*
 * Run ARGV (ARGV[0] an absolute path) with stdin from /dev/null and its
 * output captured.  Returns 0 when it exits with status 0; otherwise one
 * error line names WHAT and gives the tool's first line of output, and
 * -PF_EIO is returned.
 */
int run_tool(struct disk_run *r, const char *what, char *const argv[])
{
	const struct pf_host *h = r->h;
	char out[1024];
	size_t got = 0;
	int pipefd[2], status = 0, ret = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot make a pipe: %s", what, strerror(errno));
		return -PF_EIO;
	}
	pid = fork();
	if (pid < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot start %s: %s", what, argv[0],
		       strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -PF_EIO;
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls */
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execve(argv[0], argv, r->envp);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char buf[512];
		ssize_t n = read(pipefd[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got < sizeof(out) - 1) {
			size_t take = (size_t)n < sizeof(out) - 1 - got ? (size_t)n :
				      sizeof(out) - 1 - got;

			memcpy(out + got, buf, take);
			got += take;
		}
	}
	close(pipefd[0]);
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl = strchr(out, '\n');

		if (nl)
			*nl = '\0';
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !out[0])
			snprintf(out, sizeof(out), "cannot run %s", argv[0]);
		h->log(PF_LOG_ERROR, NAME, "%s: %s failed (%s %d)%s%s", what,
		       strrchr(argv[0], '/') + 1,
		       WIFEXITED(status) ? "exit status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		       out[0] ? ": " : "", out);
		ret = -PF_EIO;
	}
	return ret;
}

/* mcopy host file SRC to DEST ("::/path") on the partition. */
int mcopy_file(struct disk_run *r, const char *what, const char *src,
	       const char *dest)
{
	char *argv[] = { r->s->mcopy, (char *)"-i", r->drive, (char *)"-D", (char *)"o",
			 (char *)src, (char *)dest, NULL };

	return run_tool(r, what, argv);
}

/* ---- the MBR ------------------------------------------------------------ */

/* The CHS address of LBA in OUT[3], for 255 heads and 63 sectors per track;
 * beyond cylinder 1023 the usual 1023/254/63. */
static void chs(uint32_t lba, unsigned char *out)
{
	uint32_t c = lba / (HEADS * SECTORS_PER_TRACK);
	uint32_t hd = (lba / SECTORS_PER_TRACK) % HEADS;
	uint32_t sec = lba % SECTORS_PER_TRACK + 1;

	if (c > 1023) {
		c = 1023;
		hd = 254;
		sec = 63;
	}
	out[0] = (unsigned char)hd;
	out[1] = (unsigned char)(sec | ((c >> 2) & 0xC0));
	out[2] = (unsigned char)(c & 0xFF);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Write sector 0 of FD: mbr.bin's boot code (at most 440 bytes), a random
 * disk signature, one active FAT32 (0x0C) partition from PART_LBA for
 * PART_SECTORS sectors, and the 55 AA signature.  Returns 0 or an error
 * (logged).
 */
int write_mbr(const struct disk_state *s, int fd, const char *img,
	      uint32_t part_sectors)
{
	const struct pf_host *h = s->host;
	unsigned char mbr[SECTOR] = { 0 }, *e = mbr + 446;
	uint32_t sig = 0;
	ssize_t n;
	int in;

	in = open(s->mbr, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", s->mbr, strerror(errno));
		return -PF_EIO;
	}
	n = read(in, mbr, SECTOR);
	close(in);
	if (n <= 0 || n > 440) {
		h->log(PF_LOG_ERROR, NAME, "%s: not an MBR boot code of at most 440 bytes",
		       s->mbr);
		return -PF_EIO;
	}
	if (getrandom(&sig, sizeof(sig), 0) != (ssize_t)sizeof(sig) || !sig)
		sig = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 0x5045u;
	put_le32(mbr + 440, sig);
	e[0] = 0x80; /* active */
	chs(PART_LBA, e + 1);
	e[4] = 0x0C; /* FAT32, LBA */
	chs(PART_LBA + part_sectors - 1, e + 5);
	put_le32(e + 8, PART_LBA);
	put_le32(e + 12, part_sectors);
	mbr[510] = 0x55;
	mbr[511] = 0xAA;
	if (pwrite(fd, mbr, SECTOR, 0) != (ssize_t)SECTOR) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot write the MBR: %s", img, strerror(errno));
		return -PF_EIO;
	}
	return 0;
}
