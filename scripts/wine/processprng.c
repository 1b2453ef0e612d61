/*
 * TEST FIXTURE ONLY — never shipped, never copied into dist/.
 *
 * Wine 8.0 has no bcryptprimitives.dll, and Go >= 1.22 programs need its
 * ProcessPrng at start ("fatal error: bcryptprimitives.dll not found").
 * Real Windows 10/11 has the DLL. scripts/wine/run.sh builds this stand-in
 * and copies it into a throw-away Wine prefix's system32, so the packaged
 * .exe can run under Wine in CI. It forwards to BCryptGenRandom with the
 * system-preferred RNG, which Wine implements.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst; (void)reason; (void)reserved;
	return TRUE;
}
