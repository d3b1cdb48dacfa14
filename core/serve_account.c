/*
 * core/serve_account.c - peforge serve: the samba tree's deployment account
 * (peforge-deploy, whose password the samba output keeps in
 * deploy-password) in smbd's private passdb.
 *
 * No system user is created and nothing in /etc is touched: the Samba
 * account is the unprivileged system user `nobody`, and a username map
 * (STATE/samba/users.map: "nobody = peforge-deploy") makes the name the
 * start script presents log in as it.  The password reaches smbpasswd on
 * its standard input, never on a command line or in a message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "serve.h"
#include "util.h"

int pf_serve_has_account(const struct pf_serve *s)
{
	char *p = s->samba ? pf_path_join(s->samba, "deploy-password") : NULL;
	int has = p && access(p, F_OK) == 0;

	free(p);
	return has;
}

/* Run smbpasswd -c CONF -s -a nobody with PW (twice) on its stdin. */
static int smbpasswd_add(const char *conf, const char *pw)
{
	int fds[2], status = 0, null;
	size_t len = strlen(pw);
	pid_t pid;

	if (pipe(fds) != 0)
		return -PF_EIO;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -PF_EIO;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 1);
		close(fds[0]);
		close(fds[1]);
		execlp("smbpasswd", "smbpasswd", "-c", conf, "-s", "-a", PF_SERVE_SMB_UNIX_USER,
		       (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (write(fds[1], pw, len) != (ssize_t)len || write(fds[1], "\n", 1) != 1 ||
	    write(fds[1], pw, len) != (ssize_t)len || write(fds[1], "\n", 1) != 1)
		status = -1;
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -PF_EIO;
}

int pf_serve_write_account(const struct pf_serve *s)
{
	char *pwfile = NULL, *map = NULL, *conf = NULL, *pw = NULL;
	size_t len;
	int ret;

	if (!s->srv[PF_SRV_SMBD].enabled || !pf_serve_has_account(s))
		return 0;
	pwfile = pf_path_join(s->samba, "deploy-password");
	map = pf_path_join(s->state, "samba/users.map");
	conf = s->srv[PF_SRV_SMBD].conf_path;
	if (!pwfile || !map) {
		ret = -PF_ENOMEM;
		goto out;
	}
	ret = pf_read_file(pwfile, &pw, &len);
	if (ret) {
		pf_log(PF_LOG_ERROR, "serve", "%s: cannot read the deployment password: %s",
		       pwfile, pf_strerror(ret));
		goto out;
	}
	while (len && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
		pw[--len] = '\0';
	if (!len || strspn(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789") != len) {
		pf_log(PF_LOG_ERROR, "serve", "%s: not a password the samba output wrote "
		       "(letters and digits): rebuild the samba output", pwfile);
		ret = -PF_EINVAL;
		goto out;
	}
	ret = pf_write_file_atomic(map, PF_SERVE_SMB_UNIX_USER " = " PF_SERVE_DEPLOY_USER "\n",
				   strlen(PF_SERVE_SMB_UNIX_USER " = " PF_SERVE_DEPLOY_USER "\n"));
	if (ret)
		goto out;
	ret = smbpasswd_add(conf, pw);
	if (ret)
		pf_log(PF_LOG_ERROR, "serve", "smbpasswd could not add the account %s (as %s) "
		       "to %s/samba/private/passdb.tdb (is the samba package installed?)",
		       PF_SERVE_DEPLOY_USER, PF_SERVE_SMB_UNIX_USER, s->state);
out:
	if (pw)
		memset(pw, 0, strlen(pw));
	free(pw);
	free(pwfile);
	free(map);
	return ret;
}
