//go:build !windows

package flow

// windowsProxy: other systems have no Windows proxy setting; their proxy
// comes from HTTPS_PROXY.
func windowsProxy() (systemProxy, bool) { return systemProxy{}, false }
