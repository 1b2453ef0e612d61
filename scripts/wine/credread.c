/*
 * credread: an independent reader of what DCR Wizard stored in Windows
 * Credential Manager, for the Wine run (scripts/wine/run.sh). It uses the
 * Win32 API directly (no Go, no go-keyring), so a test built on it checks
 * credstore/LAYOUT.md as another program would read it.
 *
 *   credread.exe list            every generic credential whose target starts
 *                                with "dcrwizard:" (CredEnumerateW), one line each
 *   credread.exe read TARGET     that one credential (CredReadW)
 *
 * Each line: target <TAB> user name <TAB> blob, as UTF-8; the blob is
 * printed as stored (DCR Wizard stores the value's UTF-8 bytes). Exit 0 when
 * found (an empty list is found), 1 when CredReadW finds nothing, 2 on errors.
 */
#include <windows.h>
#include <wincred.h>
#include <stdio.h>
#include <io.h>
#include <fcntl.h>

static void put_utf8(const WCHAR *w)
{
	char buf[4096];
	int n;
	if (!w)
		return;
	n = WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof buf, NULL, NULL);
	if (n > 1)
		fwrite(buf, 1, (size_t)n - 1, stdout);
}

static void print_cred(const CREDENTIALW *c)
{
	if (c->Type != CRED_TYPE_GENERIC)
		return;
	put_utf8(c->TargetName);
	fputc('\t', stdout);
	put_utf8(c->UserName);
	fputc('\t', stdout);
	fwrite(c->CredentialBlob, 1, c->CredentialBlobSize, stdout);
	fputc('\n', stdout);
}

int wmain(int argc, WCHAR **argv)
{
	_setmode(_fileno(stdout), _O_BINARY);
	if (argc == 2 && lstrcmpW(argv[1], L"list") == 0) {
		DWORD count = 0, i;
		PCREDENTIALW *creds = NULL;
		if (!CredEnumerateW(L"dcrwizard:*", 0, &count, &creds)) {
			if (GetLastError() == ERROR_NOT_FOUND)
				return 0;
			fprintf(stderr, "credread: CredEnumerateW failed: error %lu\n", GetLastError());
			return 2;
		}
		for (i = 0; i < count; i++)
			print_cred(creds[i]);
		CredFree(creds);
		return 0;
	}
	if (argc == 3 && lstrcmpW(argv[1], L"read") == 0) {
		PCREDENTIALW c = NULL;
		if (!CredReadW(argv[2], CRED_TYPE_GENERIC, 0, &c)) {
			if (GetLastError() == ERROR_NOT_FOUND)
				return 1;
			fprintf(stderr, "credread: CredReadW failed: error %lu\n", GetLastError());
			return 2;
		}
		print_cred(c);
		CredFree(c);
		return 0;
	}
	fprintf(stderr, "usage: credread.exe list | credread.exe read TARGET\n");
	return 2;
}
